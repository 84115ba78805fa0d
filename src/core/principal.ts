/**
 * Who is acting: a user's API key, a dashboard session, or an agent. The system role decides
 * which API actions are allowed (see the permission matrix in the README); knowledge-base
 * namespaces add their own per-namespace grants on top (src/knowledge).
 */
export const SYSTEM_ROLES = ['admin', 'operator', 'analyst', 'agent', 'viewer'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export interface Principal {
  /** Stable id: `key:<keyId>`, `agent:<name>` or `system`. */
  id: string;
  role: SystemRole;
  /** Knowledge namespaces this principal is limited to (prefixes); undefined means no limit beyond grants. */
  namespaces?: string[];
}

/** The runtime itself (migrations, maintenance jobs): allowed everything. */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', role: 'admin' };

export function agentPrincipal(agentName: string): Principal {
  return { id: `agent:${agentName}`, role: 'agent' };
}
