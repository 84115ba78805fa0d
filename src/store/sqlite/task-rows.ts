import type { Principal } from '../../core/principal.js';
import type { Task, TaskState } from '../../queue/types.js';

/** The tasks table's row shape and its mapping to the Task type. */
export interface TaskRow {
  seq: number;
  id: string;
  skill: string;
  input: string;
  output: string | null;
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
  actor: string | null;
  tags: string;
  waiting_on: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  progress: number | null;
  progress_message: string | null;
  last_error: string | null;
  cancel_reason: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  depends_on?: string | null;
}

export function rowToTask(row: TaskRow, dependsOn: string[] = []): Task {
  return {
    id: row.id,
    seq: row.seq,
    skill: row.skill,
    input: JSON.parse(row.input),
    output: row.output === null ? null : JSON.parse(row.output),
    state: row.state,
    priority: row.priority,
    runAt: row.run_at,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    missionId: row.mission_id,
    parentId: row.parent_id,
    actor: row.actor === null ? null : (JSON.parse(row.actor) as Principal),
    tags: JSON.parse(row.tags) as string[],
    dependsOn: row.depends_on ? (JSON.parse(row.depends_on) as string[]) : dependsOn,
    waitingOn: row.waiting_on,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    progress: row.progress,
    progressMessage: row.progress_message,
    lastError: row.last_error === null ? null : JSON.parse(row.last_error),
    cancelReason: row.cancel_reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Selects a task row with its dependencies folded into a JSON array. */
export const TASK_COLUMNS = `t.*, (SELECT json_group_array(d.depends_on) FROM task_deps d WHERE d.task_id = t.id) AS depends_on`;
