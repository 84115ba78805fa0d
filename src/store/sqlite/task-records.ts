import { MagnaError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';
import type { NewTask } from '../../queue/store-port.js';
import type { Task, TaskState } from '../../queue/types.js';

/**
 * Task objects on the queue's hot paths, built without better-sqlite3's row objects: reading a
 * 27-column row as an object cost ~10 us (CPU, 2-core machine) against ~5 us as a raw array, and
 * a row just written need not be read back at all.
 */

/** The row insertTasks just wrote, as a Task; `input` as stored (after its JSON round trip). */
export function insertedTask(
  task: NewTask,
  seq: number,
  state: TaskState,
  waitingOn: number,
  input: unknown,
  now: number,
): Task {
  return {
    id: task.id,
    seq,
    skill: task.skill,
    input,
    output: null,
    state,
    priority: task.priority,
    runAt: task.runAt,
    attempt: 0,
    maxAttempts: task.maxAttempts,
    timeoutMs: task.timeoutMs,
    idempotencyKey: task.idempotencyKey,
    missionId: task.missionId,
    parentId: task.parentId,
    actor: task.actor,
    tags: [...task.tags],
    // Sorted as a read gives them (json_group_array over the task_deps_task index).
    dependsOn: [...task.dependsOn].sort(),
    waitingOn,
    leaseOwner: null,
    leaseExpiresAt: null,
    progress: null,
    progressMessage: null,
    lastError: null,
    cancelReason: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
  };
}

type Raw = unknown[];

/**
 * Maps raw rows (statement.raw(true)) of the tasks table, plus an optional `depends_on` JSON
 * column, to Tasks, with the same conversions as rowToTask. Column positions are looked up once
 * from the statement, so the mapping does not depend on the table's column order.
 */
export function rawTaskReader(columns: ReadonlyArray<{ name: string }>): (row: Raw) => Task {
  const names = columns.map((c) => c.name);
  const at = (name: string): number => {
    const index = names.indexOf(name);
    if (index < 0) throw new MagnaError('INTERNAL', `The tasks row lacks column ${name}.`);
    return index;
  };
  const c = {
    seq: at('seq'),
    id: at('id'),
    skill: at('skill'),
    input: at('input'),
    output: at('output'),
    state: at('state'),
    priority: at('priority'),
    runAt: at('run_at'),
    attempt: at('attempt'),
    maxAttempts: at('max_attempts'),
    timeoutMs: at('timeout_ms'),
    idempotencyKey: at('idempotency_key'),
    missionId: at('mission_id'),
    parentId: at('parent_id'),
    actor: at('actor'),
    tags: at('tags'),
    waitingOn: at('waiting_on'),
    leaseOwner: at('lease_owner'),
    leaseExpiresAt: at('lease_expires_at'),
    progress: at('progress'),
    progressMessage: at('progress_message'),
    lastError: at('last_error'),
    cancelReason: at('cancel_reason'),
    createdAt: at('created_at'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
  };
  const dependsOn = names.indexOf('depends_on');
  const json = (value: unknown): unknown => (value === null ? null : JSON.parse(value as string));
  return (r) => {
    const deps = dependsOn < 0 ? null : (r[dependsOn] as string | null);
    return {
      id: r[c.id] as string,
      seq: r[c.seq] as number,
      skill: r[c.skill] as string,
      input: JSON.parse(r[c.input] as string),
      output: json(r[c.output]),
      state: r[c.state] as TaskState,
      priority: r[c.priority] as number,
      runAt: r[c.runAt] as number,
      attempt: r[c.attempt] as number,
      maxAttempts: r[c.maxAttempts] as number,
      timeoutMs: r[c.timeoutMs] as number,
      idempotencyKey: r[c.idempotencyKey] as string | null,
      missionId: r[c.missionId] as string | null,
      parentId: r[c.parentId] as string | null,
      actor: r[c.actor] === null ? null : (JSON.parse(r[c.actor] as string) as Principal),
      tags: JSON.parse(r[c.tags] as string) as string[],
      dependsOn: deps ? (JSON.parse(deps) as string[]) : [],
      waitingOn: r[c.waitingOn] as number,
      leaseOwner: r[c.leaseOwner] as string | null,
      leaseExpiresAt: r[c.leaseExpiresAt] as number | null,
      progress: r[c.progress] as number | null,
      progressMessage: r[c.progressMessage] as string | null,
      lastError: json(r[c.lastError]) as Task['lastError'],
      cancelReason: r[c.cancelReason] as string | null,
      createdAt: r[c.createdAt] as number,
      startedAt: r[c.startedAt] as number | null,
      finishedAt: r[c.finishedAt] as number | null,
    };
  };
}
