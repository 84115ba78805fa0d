import { MagnaError } from '../core/errors.js';
import { type Principal, SYSTEM_ROLES, type SystemRole } from '../core/principal.js';

/**
 * The one permission matrix: permission → roles allowed. Every API route names one permission
 * (src/api/routes/*), the CLI's admin commands use the same names, docs/api.md prints this table
 * (a test checks they agree), and the route × role test walks it.
 *
 * - admin: everything, including keys and the audit log.
 * - operator: runs the system — missions, tasks, agents, messages, knowledge — but not keys or audit.
 * - analyst: asks for work and reads results; no queue or agent administration.
 * - agent: a machine identity for agents on other hosts: tasks, messages, knowledge.
 * - viewer: read-only.
 */
const ALL = SYSTEM_ROLES;
export const PERMISSIONS = {
  'system:read': { roles: ALL, doc: 'Readiness, the OpenAPI document and docs, whoami.' },
  'session:create': { roles: ALL, doc: 'Exchange an API key for a short-lived session token.' },
  'missions:read': { roles: ALL, doc: 'List and read missions, their results and artifacts.' },
  'missions:create': { roles: ['admin', 'operator', 'analyst'], doc: 'Start a mission.' },
  'missions:cancel': { roles: ['admin', 'operator', 'analyst'], doc: 'Cancel a running mission.' },
  'tasks:read': { roles: ALL, doc: 'List and read tasks.' },
  'tasks:create': { roles: ['admin', 'operator', 'agent'], doc: 'Enqueue a task directly.' },
  'tasks:manage': { roles: ['admin', 'operator'], doc: 'Retry, cancel and redrive tasks.' },
  'agents:read': { roles: ALL, doc: 'List and read agents.' },
  'agents:drain': { roles: ['admin', 'operator'], doc: 'Drain an agent (no new tasks).' },
  'messages:read': { roles: ['admin', 'operator', 'analyst', 'agent'], doc: 'Read recent bus messages.' },
  'messages:send': { roles: ['admin', 'operator', 'agent'], doc: 'Send a message on the bus.' },
  'messages:dead-letters': { roles: ['admin', 'operator'], doc: 'Read dead-lettered messages.' },
  'knowledge:read': { roles: ALL, doc: 'Search and read the knowledge base (within the key’s namespaces).' },
  'knowledge:write': {
    roles: ['admin', 'operator', 'analyst', 'agent'],
    doc: 'Ingest documents (within the key’s namespaces).',
  },
  'events:read': { roles: ALL, doc: 'Subscribe to the live event stream.' },
  'metrics:read': { roles: ['admin', 'operator', 'agent', 'viewer'], doc: 'Scrape Prometheus metrics.' },
  'keys:manage': { roles: ['admin'], doc: 'Create, list and revoke API keys.' },
  'audit:read': { roles: ['admin'], doc: 'Read and verify the audit log.' },
  'effects:read': {
    roles: ['admin', 'operator'],
    doc: 'Read the outbox of task effects and their delivery.',
  },
} as const satisfies Record<string, { roles: readonly SystemRole[]; doc: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function allows(role: SystemRole, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly SystemRole[]).includes(role);
}

/** Throws FORBIDDEN unless the principal's role has the permission. */
export function authorize(principal: Principal, permission: Permission): void {
  if (!allows(principal.role, permission)) {
    throw new MagnaError('FORBIDDEN', `Role ${principal.role} may not ${permission}.`, {
      details: { role: principal.role, permission },
    });
  }
}

/**
 * Knowledge-namespace limit of a key: a namespace is allowed when it equals one of the key's
 * prefixes or lies below it (`acme/research` allows `acme/research/q3`).
 */
export function namespaceAllowed(principal: Principal, namespace: string): boolean {
  if (!principal.namespaces) return true;
  return principal.namespaces.some((prefix) => namespace === prefix || namespace.startsWith(`${prefix}/`));
}

export function requireNamespace(principal: Principal, namespace: string): void {
  if (!namespaceAllowed(principal, namespace)) {
    throw new MagnaError('KB_FORBIDDEN', `This key may not access namespace ${namespace}.`, {
      details: { namespace, allowed: principal.namespaces ?? [] },
    });
  }
}

/** The matrix as a Markdown table (docs/api.md embeds it; a test keeps them equal). */
export function permissionMatrixMarkdown(): string {
  const header = `| permission | ${SYSTEM_ROLES.join(' | ')} | what it allows |`;
  const rule = `|---|${SYSTEM_ROLES.map(() => ':-:').join('|')}|---|`;
  const rows = Object.entries(PERMISSIONS).map(([name, { roles, doc }]) => {
    const cells = SYSTEM_ROLES.map((role) => ((roles as readonly string[]).includes(role) ? '✓' : ' '));
    return `| \`${name}\` | ${cells.join(' | ')} | ${doc} |`;
  });
  return [header, rule, ...rows].join('\n');
}
