/**
 * One valid request per API operation, for tests that walk every route. Ids that do not exist are
 * fine: an allowed role then gets 404, a denied one 403 — authorisation is checked first.
 */
export interface Sample {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  /** Streams are tried over a real connection, not app.inject. */
  stream?: 'sse' | 'websocket';
}

export const SAMPLES: Record<string, Sample> = {
  'health.live': { method: 'GET', url: '/healthz' },
  'health.ready': { method: 'GET', url: '/readyz' },
  'auth.whoami': { method: 'GET', url: '/whoami' },
  'auth.token': { method: 'POST', url: '/auth/token', body: {} },
  'missions.list': { method: 'GET', url: '/missions?limit=5' },
  'missions.create': { method: 'POST', url: '/missions', body: { goal: 'echo matrix' } },
  'missions.get': { method: 'GET', url: '/missions/mission_none' },
  'missions.cancel': { method: 'POST', url: '/missions/mission_none/cancel' },
  'missions.results': { method: 'GET', url: '/missions/mission_none/results' },
  'missions.artifact': { method: 'GET', url: '/missions/mission_none/artifacts/report.md' },
  'tasks.list': { method: 'GET', url: '/tasks?state=queued,dead&limit=5' },
  'tasks.create': { method: 'POST', url: '/tasks', body: { skill: 'test.echo', input: { text: 'matrix' } } },
  'tasks.redrive': { method: 'POST', url: '/tasks/redrive', body: { skill: 'test.echo' } },
  'tasks.get': { method: 'GET', url: '/tasks/task_none' },
  'tasks.retry': { method: 'POST', url: '/tasks/task_none/retry' },
  'tasks.cancel': { method: 'POST', url: '/tasks/task_none/cancel', body: {} },
  'agents.list': { method: 'GET', url: '/agents' },
  'agents.get': { method: 'GET', url: '/agents/none@node' },
  'agents.drain': { method: 'POST', url: '/agents/none@node/drain' },
  'effects.list': { method: 'GET', url: '/effects?pending=true&limit=5' },
  'messages.send': {
    method: 'POST',
    url: '/messages',
    body: { receiver: 'topic:matrix.test', performative: 'inform', body: { hello: 1 } },
  },
  'messages.recent': { method: 'GET', url: '/messages/recent?limit=5' },
  'messages.deadLetters': { method: 'GET', url: '/messages/dead-letters?limit=5' },
  'knowledge.search': { method: 'GET', url: '/knowledge/search?q=program&namespaces=test/matrix' },
  'knowledge.ask': { method: 'GET', url: '/knowledge/ask?q=Who%20wrote%20the%20first%20program%3F' },
  'knowledge.entities': { method: 'GET', url: '/knowledge/entities?namespace=test/matrix' },
  'knowledge.entity': { method: 'GET', url: '/knowledge/entities/entity_none' },
  'knowledge.facts': { method: 'GET', url: '/knowledge/facts?namespace=test/matrix' },
  'knowledge.documents': { method: 'GET', url: '/knowledge/documents?namespace=test/matrix' },
  'knowledge.document': { method: 'GET', url: '/knowledge/documents/doc_none' },
  'knowledge.ingest': {
    method: 'POST',
    url: '/knowledge/documents',
    body: {
      namespace: 'test/matrix',
      documents: [{ source: 'matrix-doc', text: 'Ada Lovelace wrote the first program in 1843.' }],
    },
  },
  'events.stream': { method: 'GET', url: '/events?type=task:*', stream: 'sse' },
  'events.websocket': { method: 'GET', url: '/events/ws', stream: 'websocket' },
  'metrics.scrape': { method: 'GET', url: '/metrics' },
  'keys.list': { method: 'GET', url: '/keys' },
  'keys.create': { method: 'POST', url: '/keys', body: { role: 'viewer', name: 'made in a test' } },
  'keys.revoke': { method: 'POST', url: '/keys/key_none/revoke' },
  'audit.list': { method: 'GET', url: '/audit?limit=5' },
  'audit.verify': { method: 'GET', url: '/audit/verify' },
  'docs.openapi': { method: 'GET', url: '/openapi.json' },
  'docs.page': { method: 'GET', url: '/docs' },
  'docs.asset': { method: 'GET', url: '/docs/init.js' },
};
