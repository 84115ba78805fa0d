import type { SystemRole } from '../../src/core/principal.js';

/**
 * Who may call each route, written by hand from the role descriptions in docs/api.md, apart from
 * the server's permission table (src/security/permissions.ts), so that the route × role test has an
 * oracle of its own: a permission moved to the wrong role, or a route given the wrong permission,
 * makes the two disagree.
 *
 * A new route needs a line here, with the roles that should reach it.
 *   admin: everything; operator: runs the system but no keys or audit; analyst: asks for work and
 *   reads results; agent: machine identity (tasks, messages, knowledge); viewer: read-only.
 */
const EVERYONE: readonly SystemRole[] = ['admin', 'operator', 'analyst', 'agent', 'viewer'];
const ADMIN_OPERATOR: readonly SystemRole[] = ['admin', 'operator'];

export const EXPECTED_ACCESS: Record<string, 'public' | readonly SystemRole[]> = {
  'health.live': 'public',
  'health.ready': EVERYONE,
  'auth.whoami': EVERYONE,
  'auth.token': EVERYONE,
  'missions.list': EVERYONE,
  'missions.get': EVERYONE,
  'missions.results': EVERYONE,
  'missions.artifact': EVERYONE,
  'missions.create': ['admin', 'operator', 'analyst'],
  'missions.cancel': ['admin', 'operator', 'analyst'],
  'tasks.list': EVERYONE,
  'tasks.get': EVERYONE,
  'tasks.create': ['admin', 'operator', 'agent'],
  'tasks.redrive': ADMIN_OPERATOR,
  'tasks.retry': ADMIN_OPERATOR,
  'tasks.cancel': ADMIN_OPERATOR,
  'agents.list': EVERYONE,
  'agents.get': EVERYONE,
  'agents.drain': ADMIN_OPERATOR,
  'effects.list': ADMIN_OPERATOR,
  'messages.send': ['admin', 'operator', 'agent'],
  'messages.recent': ['admin', 'operator', 'analyst', 'agent'],
  'messages.deadLetters': ADMIN_OPERATOR,
  'knowledge.search': EVERYONE,
  'knowledge.ask': EVERYONE,
  'knowledge.entities': EVERYONE,
  'knowledge.entity': EVERYONE,
  'knowledge.facts': EVERYONE,
  'knowledge.documents': EVERYONE,
  'knowledge.document': EVERYONE,
  'knowledge.ingest': ['admin', 'operator', 'analyst', 'agent'],
  'events.stream': EVERYONE,
  'events.websocket': EVERYONE,
  'metrics.scrape': ['admin', 'operator', 'agent', 'viewer'],
  'keys.list': ['admin'],
  'keys.create': ['admin'],
  'keys.revoke': ['admin'],
  'audit.list': ['admin'],
  'audit.verify': ['admin'],
  'docs.openapi': EVERYONE,
  'docs.page': EVERYONE,
  'docs.asset': EVERYONE,
};
