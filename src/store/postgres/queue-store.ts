import type { Clock } from '../../core/clock.js';
import { isMagnaError, MagnaError } from '../../core/errors.js';
import type {
  ClaimRequest,
  Completion,
  CompletionOutcome,
  Consequences,
  EnqueueOutcome,
  FailureDecision,
  NewTask,
  QueueStore,
  SettledTask,
} from '../../queue/store-port.js';
import type { Effect, Lease, Task, TaskError, TaskFilter, TaskState } from '../../queue/types.js';
import { type PgClient, type PgPool, query, transaction } from './connection.js';
import { cancelDependants, loadTask, releaseDependants } from './queue-consequences.js';
import { queueReads } from './queue-reads.js';
import { insertTasks } from './task-inserts.js';
import { nowParam, type PgTaskRow, rowToTask, TASK_COLUMNS } from './task-rows.js';

const UNFINISHED = `('waiting','queued','running')`;
const FENCE = `t.id = $1 AND t.attempt = $2 AND t.lease_owner = $3 AND t.state = 'running'`;

/**
 * One claim: the first `limit` ready tasks of the skills in claim order, locked with SKIP LOCKED so
 * that concurrent workers each take different rows without waiting for one another.
 */
const CLAIM = `WITH picked AS (
    SELECT id FROM tasks WHERE state = 'queued' AND run_at <= ${nowParam(5)} AND skill = ANY($1::text[])
    ORDER BY rank, seq LIMIT $2 FOR UPDATE SKIP LOCKED)
  UPDATE tasks t SET state = 'running', attempt = t.attempt + 1, lease_owner = $3,
    lease_expires_at = ${nowParam(5)} + $4, started_at = ${nowParam(5)}, progress = NULL, progress_message = NULL
  FROM picked WHERE t.id = picked.id
  RETURNING ${TASK_COLUMNS}`;

/**
 * The queue on PostgreSQL. Every state change is one transaction; settlements are fenced by the
 * lease (task id, attempt, owner) exactly as on SQLite, and leases are timed by the database
 * server's clock unless a clock is given (tests).
 */
export class PostgresQueueStore implements QueueStore {
  private readonly reads;

  /**
   * `leases`: a pool whose commits do not wait for the WAL flush (synchronous_commit=off), for
   * claims and heartbeats only. Losing one in a server crash returns a task to where it was before
   * the claim or the last heartbeat, which the queue already survives (at-least-once, fenced by
   * attempt and owner), and spares each claim a WAL flush (a durable one-row commit costs 6-10 ms
   * p50, 20-30 ms p99 on this machine's disk, bench/queue-postgres.ts). Enqueues and settlements
   * stay durable.
   */
  private readonly leases: PgPool;

  constructor(
    private readonly pool: PgPool,
    private readonly clock?: Clock,
    leases?: PgPool,
  ) {
    this.reads = queueReads(pool);
    this.leases = leases ?? pool;
  }

  /** The `now` parameter of lease SQL: the given clock's time, or null for the server's clock. */
  private leaseNow(): number | null {
    return this.clock ? this.clock.now() : null;
  }

  enqueue(tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
    return transaction(this.pool, (client) => insertTasks(client, tasks, now));
  }

  /** Inside a caller's transaction (a mission and its plan commit together). */
  insertWithin(client: PgClient, tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
    return insertTasks(client, tasks, now);
  }

  async claim(request: ClaimRequest): Promise<Task[]> {
    const { limit } = request;
    const open: string[] = [];
    const limited: Array<{ skill: string; max: number }> = [];
    for (const [skill, workerMax] of request.skills) {
      const max = Math.min(workerMax, limit);
      if (max <= 0) continue;
      const rule = request.skillLimits[skill];
      if (rule?.concurrency !== undefined || rule?.perSecond !== undefined || max < limit) {
        limited.push({ skill, max });
      } else open.push(skill);
    }
    const leaseNow = this.leaseNow();
    if (limited.length === 0) {
      // The common case in one statement, without an explicit transaction.
      const { rows } = await query<PgTaskRow>(this.pool, CLAIM, [
        open,
        limit,
        request.workerId,
        request.leaseMs,
        leaseNow,
      ]);
      return sortClaimed(rows);
    }
    return transaction(this.leases, async (client) => {
      const claimed: PgTaskRow[] = [];
      if (open.length > 0) {
        claimed.push(
          ...(
            await client.query<PgTaskRow>(CLAIM, [open, limit, request.workerId, request.leaseMs, leaseNow])
          ).rows,
        );
      }
      for (const { skill, max: workerMax } of limited) {
        if (claimed.length >= limit) break;
        let max = Math.min(workerMax, limit - claimed.length);
        const rule = request.skillLimits[skill];
        let window = 0;
        if (rule?.concurrency !== undefined || rule?.perSecond !== undefined) {
          // Serialises the claims of one limited skill across processes until commit, so two workers
          // cannot both see room for the last slot.
          await client.query(`SELECT pg_advisory_xact_lock(hashtext('magnatronic.skill:' || $1))`, [skill]);
          const { rows } = await client.query<{ running: number; now: number }>(
            `SELECT (SELECT count(*) FROM tasks WHERE skill = $1 AND state = 'running')::integer AS running,
              ${nowParam(2)} AS now`,
            [skill, leaseNow],
          );
          const { running, now } = rows[0]!;
          if (rule.concurrency !== undefined) max = Math.min(max, rule.concurrency - running);
          // Rate limits count starts in fixed one-second windows (a burst may reach 2x at a boundary).
          window = Math.floor(now / 1000);
          if (rule.perSecond !== undefined) {
            const used = await client.query<{ starts: number }>(
              'SELECT starts FROM skill_rate WHERE skill = $1 AND "window" = $2',
              [skill, window],
            );
            max = Math.min(max, rule.perSecond - (used.rows[0]?.starts ?? 0));
          }
        }
        if (max <= 0) continue;
        const { rows } = await client.query<PgTaskRow>(CLAIM, [
          [skill],
          max,
          request.workerId,
          request.leaseMs,
          leaseNow,
        ]);
        claimed.push(...rows);
        if (rule?.perSecond !== undefined && rows.length > 0) {
          await client.query('DELETE FROM skill_rate WHERE skill = $1 AND "window" < $2', [
            skill,
            window - 60,
          ]);
          await client.query(
            `INSERT INTO skill_rate (skill, "window", starts) VALUES ($1, $2, $3)
             ON CONFLICT (skill, "window") DO UPDATE SET starts = skill_rate.starts + excluded.starts`,
            [skill, window, rows.length],
          );
        }
      }
      return sortClaimed(claimed);
    });
  }

  async heartbeat(leases: Lease[], leaseMs: number): Promise<string[]> {
    if (leases.length === 0) return [];
    const { rows } = await query<{ id: string }>(
      this.leases,
      `UPDATE tasks t SET lease_expires_at = ${nowParam(5)} + $4
       FROM unnest($1::text[], $2::integer[], $3::text[]) AS l(id, attempt, owner)
       WHERE t.id = l.id AND t.attempt = l.attempt AND t.lease_owner = l.owner AND t.state = 'running'
       RETURNING t.id`,
      [
        leases.map((l) => l.taskId),
        leases.map((l) => l.attempt),
        leases.map((l) => l.workerId),
        leaseMs,
        this.leaseNow(),
      ],
    );
    const held = new Set(rows.map((r) => r.id));
    return leases.filter((l) => !held.has(l.taskId)).map((l) => l.taskId);
  }

  async progress(lease: Lease, progress: number, message: string | null): Promise<void> {
    const { rowCount } = await query(
      this.pool,
      `UPDATE tasks t SET progress = $4, progress_message = $5 WHERE ${FENCE}`,
      [lease.taskId, lease.attempt, lease.workerId, progress, message],
    );
    if (rowCount === 0) await this.leaseLost(this.pool, lease);
  }

  private async leaseLost(db: PgPool | PgClient, lease: Lease): Promise<never> {
    const task = await loadTask(db, lease.taskId);
    if (!task) throw new MagnaError('NOT_FOUND', `Task ${lease.taskId} does not exist.`);
    throw new MagnaError(
      'QUEUE_LEASE_LOST',
      `Worker ${lease.workerId} no longer holds attempt ${lease.attempt} of task ${lease.taskId} (now ${task.state}, attempt ${task.attempt}).`,
      {
        details: {
          taskId: lease.taskId,
          attempt: lease.attempt,
          state: task.state,
          currentAttempt: task.attempt,
        },
      },
    );
  }

  /** Outbox effects, children and released dependants of a success written under its lease. */
  private async afterSuccess(
    client: PgClient,
    { lease, effects, children }: Completion,
    now: number,
  ): Promise<Consequences> {
    await insertEffects(
      client,
      effects.map((effect) => ({ ...effect, taskId: lease.taskId })),
      now,
    );
    const childOutcomes = await insertTasks(client, children, now);
    return {
      released: (await releaseDependants(client, [lease.taskId], now)).get(lease.taskId) ?? [],
      cancelled: [],
      children: childOutcomes.filter((o) => o.created).map((o) => o.task),
    };
  }

  complete(lease: Lease, output: unknown, effects: Effect[], children: NewTask[], now: number) {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<PgTaskRow>(
        `UPDATE tasks t SET state = 'succeeded', output = $4::json, finished_at = $5, lease_owner = NULL,
           lease_expires_at = NULL, progress = 1 WHERE ${FENCE} RETURNING ${TASK_COLUMNS}`,
        [lease.taskId, lease.attempt, lease.workerId, JSON.stringify(output ?? null), now],
      );
      if (!rows[0]) return this.leaseLost(client, lease);
      return {
        task: rowToTask(rows[0]),
        ...(await this.afterSuccess(client, { lease, output, effects, children }, now)),
      };
    });
  }

  /**
   * Group commit: the successes without children are settled by one UPDATE over arrays (one round
   * trip for the batch), their effects by one INSERT and their dependants by one UPDATE; a
   * completion bringing children runs in a savepoint, so a refused child rolls back only itself.
   */
  completeMany(completions: Completion[], now: number): Promise<CompletionOutcome[]> {
    return transaction(this.pool, async (client) => {
      const outcomes: CompletionOutcome[] = new Array(completions.length);
      const plain = completions.flatMap((c, i) => (c.children.length === 0 ? [{ c, i }] : []));
      if (plain.length > 0) {
        const { rows } = await client.query<{
          id: string;
          skill: string;
          mission_id: string | null;
          started_at: number | null;
        }>(
          `UPDATE tasks t SET state = 'succeeded', output = l.output::json, finished_at = $5, lease_owner = NULL,
             lease_expires_at = NULL, progress = 1
           FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[]) AS l(id, attempt, owner, output)
           WHERE t.id = l.id AND t.attempt = l.attempt AND t.lease_owner = l.owner AND t.state = 'running'
           RETURNING t.id, t.skill, t.mission_id, t.started_at`,
          [
            plain.map(({ c }) => c.lease.taskId),
            plain.map(({ c }) => c.lease.attempt),
            plain.map(({ c }) => c.lease.workerId),
            plain.map(({ c }) => JSON.stringify(c.output ?? null)),
            now,
          ],
        );
        const settled = new Map(rows.map((r) => [r.id, r]));
        const won = plain.filter(({ c }) => settled.has(c.lease.taskId));
        await insertEffects(
          client,
          won.flatMap(({ c }) => c.effects.map((e) => ({ ...e, taskId: c.lease.taskId }))),
          now,
        );
        const released = await releaseDependants(
          client,
          won.map(({ c }) => c.lease.taskId),
          now,
        );
        for (const { c, i } of plain) {
          const row = settled.get(c.lease.taskId);
          if (!row) {
            outcomes[i] = { error: await this.leaseLost(client, c.lease).catch((e: MagnaError) => e) };
            continue;
          }
          const task: SettledTask = {
            id: row.id,
            skill: row.skill,
            missionId: row.mission_id,
            attempt: c.lease.attempt,
            startedAt: row.started_at,
            finishedAt: now,
          };
          outcomes[i] = { task, released: released.get(row.id) ?? [], cancelled: [], children: [] };
        }
      }
      for (const [i, completion] of completions.entries()) {
        if (completion.children.length === 0) continue;
        await client.query('SAVEPOINT completion');
        try {
          const { task, ...rest } = await this.complete1(client, completion, now);
          outcomes[i] = { task, ...rest };
          await client.query('RELEASE SAVEPOINT completion');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT completion');
          if (!isMagnaError(error)) throw error;
          outcomes[i] = { error };
        }
      }
      return outcomes;
    });
  }

  private async complete1(client: PgClient, completion: Completion, now: number) {
    const { lease } = completion;
    const { rows } = await client.query<{
      skill: string;
      mission_id: string | null;
      started_at: number | null;
    }>(
      `UPDATE tasks t SET state = 'succeeded', output = $4::json, finished_at = $5, lease_owner = NULL,
         lease_expires_at = NULL, progress = 1 WHERE ${FENCE} RETURNING t.skill, t.mission_id, t.started_at`,
      [lease.taskId, lease.attempt, lease.workerId, JSON.stringify(completion.output ?? null), now],
    );
    const row = rows[0];
    if (!row) return this.leaseLost(client, lease);
    const task: SettledTask = {
      id: lease.taskId,
      skill: row.skill,
      missionId: row.mission_id,
      attempt: lease.attempt,
      startedAt: row.started_at,
      finishedAt: now,
    };
    return { task, ...(await this.afterSuccess(client, completion, now)) };
  }

  private async settleFailure(
    client: PgClient,
    task: Task,
    error: TaskError,
    decision: FailureDecision,
    now: number,
  ) {
    if ('dead' in decision) {
      const { rows } = await client.query<PgTaskRow>(
        `UPDATE tasks t SET state = 'dead', last_error = $2::json, finished_at = $3, lease_owner = NULL,
           lease_expires_at = NULL WHERE t.id = $1 RETURNING ${TASK_COLUMNS}`,
        [task.id, JSON.stringify(error), now],
      );
      const reason = `dependency ${task.id} (${task.skill}) failed: ${error.message}`;
      return {
        task: rowToTask(rows[0]!),
        released: [],
        cancelled: await cancelDependants(client, task.id, reason, now),
        children: [],
      };
    }
    const { rows } = await client.query<PgTaskRow>(
      `UPDATE tasks t SET state = 'queued', run_at = $2, rank = $3, last_error = $4::json, lease_owner = NULL,
         lease_expires_at = NULL WHERE t.id = $1 RETURNING ${TASK_COLUMNS}`,
      [task.id, decision.retryAt, decision.rank, JSON.stringify(error)],
    );
    return { task: rowToTask(rows[0]!), released: [], cancelled: [], children: [] };
  }

  fail(lease: Lease, error: TaskError, decide: (task: Task) => FailureDecision, now: number) {
    return transaction(this.pool, async (client) => {
      const task = await loadTask(client, lease.taskId, true);
      if (task?.state !== 'running' || task.attempt !== lease.attempt || task.leaseOwner !== lease.workerId) {
        return this.leaseLost(client, lease);
      }
      return this.settleFailure(client, task, error, decide(task), now);
    });
  }

  async release(lease: Lease, _now: number): Promise<Task | null> {
    const { rows } = await query<PgTaskRow>(
      this.pool,
      `UPDATE tasks t SET state = 'queued', attempt = t.attempt - 1, lease_owner = NULL, lease_expires_at = NULL
       WHERE ${FENCE} RETURNING ${TASK_COLUMNS}`,
      [lease.taskId, lease.attempt, lease.workerId],
    );
    return rows[0] ? rowToTask(rows[0]) : null;
  }

  cancel(taskId: string, reason: string, now: number) {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<PgTaskRow>(
        `UPDATE tasks t SET state = 'cancelled', cancel_reason = $2, finished_at = $3, lease_owner = NULL,
           lease_expires_at = NULL WHERE t.id = $1 AND t.state IN ${UNFINISHED} RETURNING ${TASK_COLUMNS}`,
        [taskId, reason, now],
      );
      if (!rows[0]) {
        const task = await loadTask(client, taskId);
        if (!task) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`);
        throw new MagnaError('QUEUE_TASK_STATE', `Task ${taskId} is ${task.state} and cannot be cancelled.`, {
          details: { taskId, state: task.state },
        });
      }
      const cancelled = await cancelDependants(
        client,
        taskId,
        `dependency ${taskId} was cancelled: ${reason}`,
        now,
      );
      return { task: rowToTask(rows[0]), released: [], cancelled, children: [] };
    });
  }

  redrive(taskId: string, now: number, rank: number): Promise<Task> {
    return transaction(this.pool, async (client) => {
      const task = await loadTask(client, taskId, true);
      if (!task) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`);
      if (task.dependsOn.length > 0) {
        const { rows } = await client.query<{ id: string; state: TaskState }>(
          `SELECT id, state FROM tasks WHERE id = ANY($1::text[]) AND state <> 'succeeded' ORDER BY id`,
          [task.dependsOn],
        );
        const blocking = rows[0];
        if (blocking) {
          throw new MagnaError(
            'QUEUE_TASK_STATE',
            `Task ${taskId} cannot be redriven: its dependency ${blocking.id} is ${blocking.state}.`,
            { details: { taskId, dependsOn: blocking.id, state: blocking.state } },
          );
        }
      }
      const { rows } = await client.query<PgTaskRow>(
        `UPDATE tasks t SET state = 'queued', attempt = 0, run_at = $2, rank = $3, finished_at = NULL,
           cancel_reason = NULL, lease_owner = NULL, lease_expires_at = NULL, waiting_on = 0
         WHERE t.id = $1 AND t.state IN ('dead','cancelled') RETURNING ${TASK_COLUMNS}`,
        [taskId, now, rank],
      );
      if (!rows[0]) {
        throw new MagnaError(
          'QUEUE_TASK_STATE',
          `Task ${taskId} is ${task.state}; only dead or cancelled tasks can be redriven.`,
          {
            details: { taskId, state: task.state },
          },
        );
      }
      return rowToTask(rows[0]);
    });
  }

  recoverExpired(decide: (task: Task) => FailureDecision) {
    return transaction(this.pool, async (client) => {
      // SKIP LOCKED: two processes recovering at once split the expired tasks instead of queueing.
      const { rows } = await client.query<PgTaskRow & { now: number }>(
        `SELECT ${TASK_COLUMNS}, ${nowParam(1)} AS now FROM tasks t
         WHERE t.state = 'running' AND t.lease_expires_at < ${nowParam(1)}
         ORDER BY t.lease_expires_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [this.leaseNow()],
      );
      const results: Array<{ task: Task } & Consequences> = [];
      for (const row of rows) {
        const task = rowToTask(row);
        const error = {
          code: 'TIMEOUT',
          message: `lease of worker ${task.leaseOwner} expired during attempt ${task.attempt}`,
        };
        results.push(await this.settleFailure(client, task, error, decide(task), row.now));
      }
      return results;
    });
  }

  get(taskId: string): Promise<Task | null> {
    return loadTask(this.pool, taskId);
  }

  list(filter: TaskFilter): Promise<Task[]> {
    return this.reads.tasks(filter);
  }

  countByState() {
    return this.reads.counts();
  }

  effects(filter: { taskId?: string; undelivered?: boolean; limit?: number }) {
    return this.reads.effects(filter);
  }

  async markEffectsDelivered(keys: string[], now: number): Promise<void> {
    if (keys.length === 0) return;
    await query(this.pool, 'UPDATE task_effects SET delivered_at = $2 WHERE key = ANY($1::text[])', [
      keys,
      now,
    ]);
  }

  prune(before: number): Promise<number> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `DELETE FROM tasks WHERE finished_at < $1 AND state IN ('succeeded','dead','cancelled')
           AND (mission_id IS NULL OR mission_id IN (SELECT id FROM missions WHERE finished_at IS NOT NULL))
         RETURNING id`,
        [before],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await client.query(
          'DELETE FROM task_deps WHERE task_id = ANY($1::text[]) OR depends_on = ANY($1::text[])',
          [ids],
        );
        await client.query(
          'DELETE FROM task_effects WHERE task_id = ANY($1::text[]) AND delivered_at IS NOT NULL',
          [ids],
        );
      }
      return ids.length;
    });
  }
}

/** RETURNING gives rows in no promised order; hand them out in claim order. */
function sortClaimed(rows: PgTaskRow[]): Task[] {
  return rows.sort((a, b) => a.rank - b.rank || a.seq - b.seq).map(rowToTask);
}

async function insertEffects(
  client: PgClient,
  effects: Array<Effect & { taskId: string }>,
  now: number,
): Promise<void> {
  if (effects.length === 0) return;
  await client.query(
    `INSERT INTO task_effects (key, task_id, kind, payload, created_at)
     SELECT k, t, kd, p::json, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS e(k, t, kd, p)
     ON CONFLICT (key) DO NOTHING`,
    [
      effects.map((e) => e.key),
      effects.map((e) => e.taskId),
      effects.map((e) => e.kind),
      effects.map((e) => JSON.stringify(e.payload ?? null)),
      now,
    ],
  );
}
