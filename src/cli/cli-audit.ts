import { userInfo } from 'node:os';
import type { System } from '../runtime/system.js';

/** Who runs a CLI command, for the audit log: `cli:<os user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Audits an administrative CLI action the way the API audits requests. */
export async function auditCli(
  system: System,
  action: string,
  target: string,
  outcome: 'ok' | 'failed',
  details: Record<string, unknown> = {},
): Promise<void> {
  await system.security.audit.record({
    actor: cliActor(),
    role: 'admin',
    action,
    target,
    ip: null,
    outcome,
    status: null,
    details,
  });
}
