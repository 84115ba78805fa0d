import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
let base: string;
beforeAll(async () => {
  api = await openTestApi();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  base = `127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
});
afterAll(() => api.close());

type Frame = { type: string; data: Record<string, unknown> };

/** Reads SSE frames until `count` events arrived; `ready` resolves once the stream is subscribed. */
function readSse(
  path: string,
  count: number,
  headers: Record<string, string> = {},
): { ready: Promise<void>; events: Promise<Frame[]> } {
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  const events = new Promise<Frame[]>((resolve, reject) => {
    const events: Frame[] = [];
    const req = httpRequest(`http://${base}${path}`, { headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        // The server subscribes before it writes its first comment line.
        subscribed();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
          if (events.length === count) {
            res.destroy();
            resolve(events);
            return;
          }
          end = buffer.indexOf('\n\n');
        }
      });
    });
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
    );
    req.end();
  });
  return { ready, events };
}

describe('missions through the API', () => {
  it('creates a mission, runs it on a node, and serves its results and artifacts', async () => {
    const sse = readSse('/events?type=mission:*', 2, api.auth('analyst'));
    await sse.ready;
    // The analyst who started it reads it (nobody else but operators and admins may).
    const created = await api.app.inject({
      method: 'POST',
      url: '/missions',
      headers: api.auth('analyst'),
      payload: { goal: 'echo over http' },
    });
    expect(created.statusCode).toBe(201);
    const mission = created.json();
    expect(mission).toMatchObject({ goal: 'echo over http', template: 'echo', status: 'running' });
    const node = api.system.createNode();
    await node.start();
    const events = await sse.events;
    await node.stop();
    expect(events.map((e) => e.type)).toEqual(['mission:created', 'mission:finished']);
    expect(events[1]!.data).toMatchObject({ missionId: mission.id, status: 'succeeded' });

    const view = await api.app.inject({
      method: 'GET',
      url: `/missions/${mission.id}`,
      headers: api.auth('analyst'),
    });
    expect(view.json()).toMatchObject({ status: 'succeeded', progress: { total: 1, finished: 1 } });
    const results = (
      await api.app.inject({
        method: 'GET',
        url: `/missions/${mission.id}/results`,
        headers: api.auth('analyst'),
      })
    ).json();
    expect(results.steps.say).toMatchObject({ state: 'succeeded', output: { echoed: 'echo over http' } });
    expect(results.artifacts).toEqual([
      { name: 'echo.txt', url: `/missions/${mission.id}/artifacts/echo.txt` },
    ]);
    const file = await api.app.inject({
      method: 'GET',
      url: results.artifacts[0].url,
      headers: api.auth('analyst'),
    });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('echo: echo over http');
    expect(file.headers['content-type']).toContain('text/plain');
    const traversal = await api.app.inject({
      method: 'GET',
      url: `/missions/${mission.id}/artifacts/..%2F..%2Fmagnatronic.db`,
      headers: api.auth('analyst'),
    });
    expect(traversal.statusCode).toBe(400);
    const list = (
      await api.app.inject({ method: 'GET', url: '/missions?status=succeeded', headers: api.auth('analyst') })
    ).json();
    expect(list.missions.map((m: { id: string }) => m.id)).toContain(mission.id);
    const cancelDone = await api.app.inject({
      method: 'POST',
      url: `/missions/${mission.id}/cancel`,
      headers: api.auth('operator'),
    });
    expect(cancelDone.statusCode).toBe(409);
  });

  it('cancels a running mission', async () => {
    const mission = (
      await api.app.inject({
        method: 'POST',
        url: '/missions',
        headers: api.auth('operator'),
        payload: { goal: 'echo to cancel' },
      })
    ).json();
    const cancelled = await api.app.inject({
      method: 'POST',
      url: `/missions/${mission.id}/cancel`,
      headers: api.auth('operator'),
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', progress: { total: 1, finished: 1 } });
  });
});

describe('tasks through the API', () => {
  it('enqueues, lists with filters, cancels, retries and redrives dead tasks', async () => {
    const headers = api.auth('operator');
    const created = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers,
      payload: { skill: 'test.echo', input: { text: 'one' }, tags: ['api'] },
    });
    expect(created.statusCode).toBe(201);
    const task = created.json();
    const byTag = (
      await api.app.inject({ method: 'GET', url: '/tasks?tag=api&state=queued', headers })
    ).json();
    expect(byTag.tasks.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const retryQueued = await api.app.inject({ method: 'POST', url: `/tasks/${task.id}/retry`, headers });
    expect(retryQueued.statusCode).toBe(409);
    expect(retryQueued.json().error.code).toBe('QUEUE_TASK_STATE');
    const cancelled = await api.app.inject({
      method: 'POST',
      url: `/tasks/${task.id}/cancel`,
      headers,
      payload: { reason: 'not needed' },
    });
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelReason: 'not needed' });
    const retried = await api.app.inject({ method: 'POST', url: `/tasks/${task.id}/retry`, headers });
    expect(retried.json()).toMatchObject({ state: 'queued', attempt: 0 });

    const operatorKey = (await api.system.security.keys.list()).find((k) => k.role === 'operator')!;
    const doomed = await api.system.queue.enqueue({
      skill: 'test.echo',
      input: { text: 'dead' },
      actor: { id: `key:${operatorKey.id}`, role: 'operator' },
      maxAttempts: 1,
      tags: ['doomed'],
    });
    await api.system.queue.cancel(task.id);
    const [claimed] = await api.system.queue.claim('w', new Map([['test.echo', 1]]));
    expect(claimed?.id).toBe(doomed.id);
    await api.system.queue.fail(
      { taskId: doomed.id, attempt: 1, workerId: 'w' },
      { code: 'X', message: 'boom' },
    );
    const redrive = await api.app.inject({
      method: 'POST',
      url: '/tasks/redrive',
      headers,
      payload: { skill: 'test.echo' },
    });
    expect(redrive.json()).toEqual({ redriven: [doomed.id] });
    expect((await api.system.queue.get(doomed.id))?.state).toBe('queued');
  });
});

describe('tasks in batches', () => {
  it('takes an array of up to 1,000 tasks in one request, each with its own idempotency key', async () => {
    const headers = api.auth('operator');
    const batch = Array.from({ length: 1000 }, (_, n) => ({
      skill: 'test.echo',
      input: { text: `batch ${n}` },
      idempotencyKey: `batch-${n}`,
      tags: ['batch'],
    }));
    const created = await api.app.inject({ method: 'POST', url: '/tasks', headers, payload: batch });
    expect(created.statusCode).toBe(201);
    const tasks = created.json().tasks as Array<{ id: string; input: { text: string } }>;
    expect(tasks.map((t) => t.input.text)).toEqual(batch.map((t) => t.input.text));
    expect(new Set(tasks.map((t) => t.id)).size).toBe(1000);

    // Sent again with one new task: the 1,000 keys name the unfinished tasks already queued.
    const again = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers,
      payload: [
        batch[0],
        { skill: 'test.echo', input: { text: 'new' }, idempotencyKey: 'batch-new' },
        batch[999],
      ],
    });
    const ids = (again.json().tasks as Array<{ id: string }>).map((t) => t.id);
    expect(ids[0]).toBe(tasks[0]!.id);
    expect(ids[2]).toBe(tasks[999]!.id);
    expect(tasks.map((t) => t.id)).not.toContain(ids[1]);
    const queued = await api.system.queue.list({ tag: 'batch', limit: 2000 });
    expect(queued).toHaveLength(1000);
  });

  it('refuses a whole batch when one task is invalid, or when it holds over 1,000, storing nothing', async () => {
    const headers = api.auth('operator');
    const before = (await api.system.queue.list({ limit: 5000 })).length;
    const bad = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers,
      payload: [{ skill: 'test.echo', input: { text: 'fine' } }, { skill: 'no.such.skill' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('QUEUE_UNKNOWN_SKILL');
    const malformed = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers,
      payload: [{ skill: 'test.echo' }, { skill: 42 }],
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details.issues.map((i: { path: string }) => i.path)).toContain(
      'body.1.skill',
    );
    const tooMany = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers,
      payload: Array.from({ length: 1001 }, () => ({ skill: 'test.echo' })),
    });
    expect(tooMany.statusCode).toBe(400);
    const empty = await api.app.inject({ method: 'POST', url: '/tasks', headers, payload: [] });
    expect(empty.statusCode).toBe(400);
    expect((await api.system.queue.list({ limit: 5000 })).length).toBe(before);
  });
});

describe('messages and the WebSocket stream', () => {
  it('sends a message as the caller, lists it, dead-letters the undeliverable, and streams filtered events', async () => {
    const socket = new WebSocket(
      `ws://${base}/events/ws?type=bus:dead-letter&access_token=${encodeURIComponent(api.keys.operator)}`,
    );
    const frames: Array<{ type: string; data: Record<string, unknown> }> = [];
    const got = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        frames.push(JSON.parse(String(data)));
        resolve();
      }),
    );
    await new Promise((resolve) => socket.on('open', resolve));
    const sent = await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: api.auth('agent'),
      payload: { receiver: 'agent:nobody-home', performative: 'request', body: { q: 1 } },
    });
    expect(sent.statusCode).toBe(202);
    const envelope = sent.json();
    const agentKey = (await api.system.security.keys.list()).find((k) => k.role === 'agent')!;
    expect(envelope.sender).toBe(`key:${agentKey.id}`);
    await got;
    socket.close();
    expect(frames[0]).toMatchObject({ type: 'bus:dead-letter', data: { messageId: envelope.id } });
    let receive: (body: unknown) => void = () => undefined;
    const received = new Promise((resolve) => {
      receive = resolve;
    });
    const endpoint = api.system.bus.registerAgent('listener', 'test', async (message) => {
      receive(message.body);
    });
    const delivered = await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: api.auth('operator'),
      payload: { receiver: 'agent:listener', performative: 'inform', body: { hello: 'there' } },
    });
    const recent = (
      await api.app.inject({ method: 'GET', url: '/messages/recent', headers: api.auth('operator') })
    ).json();
    expect(recent.messages.map((m: { id: string }) => m.id)).toContain(delivered.json().id);
    expect(await received).toEqual({ hello: 'there' });
    endpoint.unregister();
    const dead = (
      await api.app.inject({ method: 'GET', url: '/messages/dead-letters', headers: api.auth('admin') })
    ).json();
    expect(dead.deadLetters[0]).toMatchObject({ messageId: envelope.id, reason: 'BUS_NO_RECEIVER' });
    const invalid = await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: api.auth('agent'),
      payload: { receiver: 'nowhere', performative: 'inform', body: 1 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('BUS_INVALID_ENVELOPE');
  });
});

describe('health and agents', () => {
  it('answers /readyz from the store and lists agents of a running node', async () => {
    expect(
      (await api.app.inject({ method: 'GET', url: '/readyz', headers: api.auth('viewer') })).json(),
    ).toEqual({
      status: 'ready',
      checks: { store: 'ok' },
    });
    const node = api.system.createNode();
    await node.start();
    try {
      const agents = (
        await api.app.inject({ method: 'GET', url: '/agents', headers: api.auth('viewer') })
      ).json().agents;
      const echoer = agents.find(
        (a: { name: string; nodeId: string }) => a.name === 'echoer' && a.nodeId === node.id,
      );
      expect(echoer).toMatchObject({ name: 'echoer', skills: ['test.echo'] });
      const one = await api.app.inject({
        method: 'GET',
        url: `/agents/${encodeURIComponent(echoer.id)}`,
        headers: api.auth('viewer'),
      });
      expect(one.json().id).toBe(echoer.id);
      const drain = await api.app.inject({
        method: 'POST',
        url: `/agents/${encodeURIComponent(echoer.id)}/drain`,
        headers: api.auth('operator'),
      });
      expect(drain.statusCode).toBe(202);
    } finally {
      await node.stop();
    }
  });
});

describe('knowledge through the API', () => {
  it('ingests, searches, answers and lists documents, within the namespaces a key is limited to', async () => {
    const ingest = await api.app.inject({
      method: 'POST',
      url: '/knowledge/documents',
      headers: api.auth('agent'),
      payload: {
        namespace: 'test/public',
        documents: [
          {
            source: 'lovelace',
            title: 'Ada',
            text: 'Ada Lovelace wrote the first computer program in 1843.',
          },
        ],
      },
    });
    expect(ingest.statusCode).toBe(201);
    expect(ingest.json().counts).toMatchObject({ documents: 1, created: 1 });
    await api.system.knowledge.ingest(
      { id: 'system', role: 'admin' },
      {
        namespace: 'test/private',
        documents: [{ source: 'payroll', text: 'The payroll program pays Grace Hopper.' }],
      },
    );
    const limited = await api.system.security.keys.create({
      role: 'agent',
      createdBy: 'test',
      namespaces: ['test/public'],
    });
    const headers = { authorization: `Bearer ${limited.key}` };
    const hits = (await api.app.inject({ method: 'GET', url: '/knowledge/search?q=program', headers })).json()
      .hits;
    expect(hits.map((h: { source: string }) => h.source)).toEqual(['lovelace']);
    const everything = (
      await api.app.inject({ method: 'GET', url: '/knowledge/search?q=program', headers: api.auth('admin') })
    ).json().hits;
    expect(everything.map((h: { source: string }) => h.source).sort()).toEqual(['lovelace', 'payroll']);
    const answer = (
      await api.app.inject({
        method: 'GET',
        url: '/knowledge/ask?q=Who%20wrote%20the%20first%20computer%20program%3F',
        headers,
      })
    ).json();
    expect(answer).toMatchObject({ found: true });
    expect(answer.answer).toContain('Lovelace');
    const forbidden = await api.app.inject({
      method: 'POST',
      url: '/knowledge/documents',
      headers,
      payload: { namespace: 'test/private', documents: [{ source: 'x', text: 'Not allowed here.' }] },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('KB_FORBIDDEN');
    const docs = (await api.app.inject({ method: 'GET', url: '/knowledge/documents', headers })).json()
      .documents;
    expect(docs.map((d: { source: string }) => d.source)).toEqual(['lovelace']);
    const privateDoc = (
      await api.app.inject({
        method: 'GET',
        url: '/knowledge/documents?namespace=test/private',
        headers: api.auth('admin'),
      })
    ).json().documents[0];
    const hidden = await api.app.inject({
      method: 'GET',
      url: `/knowledge/documents/${privateDoc.id}`,
      headers,
    });
    expect(hidden.statusCode).toBe(404);
  });
});
