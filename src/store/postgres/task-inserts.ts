import { MagnaError } from '../../core/errors.js';
import type { EnqueueOutcome, NewTask } from '../../queue/store-port.js';
import type { Task, TaskState } from '../../queue/types.js';
import type { PgClient } from './connection.js';
import { isUniqueViolation } from './errors.js';
import { type PgTaskRow, rowToTask, TASK_COLUMNS } from './task-rows.js';

const UNFINISHED = `('waiting','queued','running')`;

/** Columns of one inserted task, in the order of the jsonb record below. */
const RECORD = `id text, skill text, input text, state text, priority smallint, run_at bigint, rank bigint,
  max_attempts integer, timeout_ms bigint, idempotency_key text, mission_id text, parent_id text,
  actor text, tags text, waiting_on integer, ord integer`;

/**
 * Inserts tasks inside the caller's transaction (enqueue, a completion's children, a mission and
 * its plan). Runs of tasks without dependencies or idempotency keys go in one INSERT each (one
 * round trip for a batch instead of one per task); the others one by one, in order, because a
 * task may depend on one inserted just before it.
 */
export async function insertTasks(
  client: PgClient,
  tasks: NewTask[],
  now: number,
): Promise<EnqueueOutcome[]> {
  const outcomes: EnqueueOutcome[] = [];
  let run: NewTask[] = [];
  const flush = async () => {
    if (run.length > 0) outcomes.push(...(await insertPlain(client, run, now)));
    run = [];
  };
  for (const task of tasks) {
    if (task.dependsOn.length === 0 && task.idempotencyKey === null) {
      run.push(task);
      continue;
    }
    await flush();
    outcomes.push(await insertOne(client, task, now));
  }
  await flush();
  return outcomes;
}

function record(task: NewTask, state: TaskState, waitingOn: number, ord = 0) {
  return {
    ord,
    id: task.id,
    skill: task.skill,
    input: JSON.stringify(task.input ?? null),
    state,
    priority: task.priority,
    run_at: task.runAt,
    rank: task.rank,
    max_attempts: task.maxAttempts,
    timeout_ms: task.timeoutMs,
    idempotency_key: task.idempotencyKey,
    mission_id: task.missionId,
    parent_id: task.parentId,
    actor: task.actor === null ? null : JSON.stringify(task.actor),
    tags: JSON.stringify(task.tags),
    waiting_on: waitingOn,
  };
}

const INSERT = `INSERT INTO tasks (id, skill, input, state, priority, run_at, rank, max_attempts, timeout_ms,
    idempotency_key, mission_id, parent_id, actor, tags, waiting_on, created_at)
  SELECT r.id, r.skill, r.input::json, r.state, r.priority, r.run_at, r.rank, r.max_attempts, r.timeout_ms,
    r.idempotency_key, r.mission_id, r.parent_id, r.actor::json, r.tags::jsonb, r.waiting_on, $2
  FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD}) ORDER BY r.ord`;

async function insertPlain(client: PgClient, tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
  const records = tasks.map((task, i) => record(task, 'queued', 0, i));
  let rows: Array<{ seq: number }>;
  try {
    ({ rows } = await client.query<{ seq: number }>(`${INSERT} RETURNING seq`, [
      JSON.stringify(records),
      now,
    ]));
  } catch (error) {
    throw duplicateId(error, tasks.map((t) => t.id).join(', '));
  }
  return tasks.map((task, i) => ({ task: inserted(task, rows[i]!.seq, 'queued', 0, now), created: true }));
}

async function insertOne(client: PgClient, task: NewTask, now: number): Promise<EnqueueOutcome> {
  if (task.idempotencyKey !== null) {
    const existing = await byKey(client, task.idempotencyKey);
    if (existing) return { task: existing, created: false };
  }
  let waitingOn = 0;
  if (task.dependsOn.length > 0) {
    // FOR SHARE holds each parent's row until commit: a parent settling now waits for this task's
    // task_deps row to exist, so its release (or cancellation) cannot miss this task.
    const { rows } = await client.query<{ id: string; state: TaskState }>(
      'SELECT id, state FROM tasks WHERE id = ANY($1::text[]) FOR SHARE',
      [task.dependsOn],
    );
    const states = new Map(rows.map((r) => [r.id, r.state]));
    for (const parent of task.dependsOn) {
      const state = states.get(parent);
      if (!state) {
        throw new MagnaError('QUEUE_INVALID_TASK', `Task ${task.id} depends on unknown task ${parent}.`, {
          details: { taskId: task.id, dependsOn: parent },
        });
      }
      if (state === 'dead' || state === 'cancelled') {
        throw new MagnaError(
          'QUEUE_INVALID_TASK',
          `Task ${task.id} depends on task ${parent}, which is ${state}.`,
          {
            details: { taskId: task.id, dependsOn: parent, state },
          },
        );
      }
      if (state !== 'succeeded') waitingOn++;
    }
  }
  const state: TaskState = waitingOn > 0 ? 'waiting' : 'queued';
  let rows: Array<{ seq: number }>;
  try {
    // A concurrent enqueue with the same key wins the partial unique index; return its task.
    ({ rows } = await client.query<{ seq: number }>(
      `${INSERT} ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL AND state IN ${UNFINISHED}
        DO NOTHING RETURNING seq`,
      [JSON.stringify([record(task, state, waitingOn)]), now],
    ));
  } catch (error) {
    throw duplicateId(error, task.id);
  }
  if (rows.length === 0 && task.idempotencyKey !== null) {
    const existing = await byKey(client, task.idempotencyKey);
    if (existing) return { task: existing, created: false };
  }
  if (task.dependsOn.length > 0) {
    await client.query(
      `INSERT INTO task_deps (depends_on, task_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
      [task.dependsOn, task.id],
    );
  }
  return { task: inserted(task, rows[0]!.seq, state, waitingOn, now), created: true };
}

async function byKey(client: PgClient, key: string): Promise<Task | null> {
  const { rows } = await client.query<PgTaskRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.idempotency_key = $1 AND t.state IN ${UNFINISHED}`,
    [key],
  );
  return rows[0] ? rowToTask(rows[0]) : null;
}

function duplicateId(error: unknown, ids: string): unknown {
  if (!isUniqueViolation(error)) return error;
  return new MagnaError('QUEUE_INVALID_TASK', `A task with id ${ids} already exists.`, { cause: error });
}

/** The row just written, as a Task (input after its JSON round trip, as a read would give it). */
function inserted(task: NewTask, seq: number, state: TaskState, waitingOn: number, now: number): Task {
  return {
    id: task.id,
    seq,
    skill: task.skill,
    input: JSON.parse(JSON.stringify(task.input ?? null)),
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
