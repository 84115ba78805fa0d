import type { Principal } from '../../core/principal.js';
import type { Task, TaskError, TaskState } from '../../queue/types.js';
import { DB_NOW } from './connection.js';

/** A tasks row with its dependencies, as node-postgres returns it (json parsed, int8 as number). */
export interface PgTaskRow {
  seq: number;
  id: string;
  skill: string;
  input: unknown;
  output: unknown;
  state: TaskState;
  priority: number;
  run_at: number;
  rank: number;
  attempt: number;
  max_attempts: number;
  timeout_ms: number;
  idempotency_key: string | null;
  mission_id: string | null;
  parent_id: string | null;
  actor: Principal | null;
  tags: string[];
  waiting_on: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  progress: number | null;
  progress_message: string | null;
  last_error: TaskError | null;
  cancel_reason: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  depends_on: string[] | null;
}

/** The dependencies of row `alias`, sorted as SQLite returns them (bytewise, COLLATE "C"). */
const depsOf = (alias: string) =>
  `(SELECT array_agg(d.depends_on ORDER BY d.depends_on COLLATE "C") FROM task_deps d WHERE d.task_id = ${alias}.id) AS depends_on`;

/** Every column of a task read through alias `t`, for SELECT and RETURNING alike. */
export const TASK_COLUMNS = `t.*, ${depsOf('t')}`;

/**
 * The lease clock in SQL: parameter `$n` when the store was given a clock (tests move time), else
 * the database server's clock, so every host's leases are timed by one clock.
 */
export const nowParam = (n: number) => `COALESCE($${n}::bigint, ${DB_NOW})`;

export function rowToTask(row: PgTaskRow): Task {
  return {
    id: row.id,
    seq: row.seq,
    skill: row.skill,
    input: row.input,
    output: row.output ?? null,
    state: row.state,
    priority: row.priority,
    runAt: row.run_at,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    missionId: row.mission_id,
    parentId: row.parent_id,
    actor: row.actor ?? null,
    tags: row.tags,
    dependsOn: row.depends_on ?? [],
    waitingOn: row.waiting_on,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    progress: row.progress,
    progressMessage: row.progress_message,
    lastError: row.last_error ?? null,
    cancelReason: row.cancel_reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
