import { type Clock, systemClock } from '../../core/clock.js';
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
import type { SqliteDatabase } from './database.js';
import { sqliteError } from './errors.js';
import { type EffectFilter, QueueQueries } from './queue-queries.js';
import { prepareQueueStatements, type QueueStatements } from './queue-statements.js';
import { TaskTally } from './task-counts.js';
import { insertedTask, rawTaskReader } from './task-records.js';
import { rowToTask, type TaskRow } from './task-rows.js';

/**
 * The queue on embedded SQLite. better-sqlite3 is synchronous, so each method is one short
 * transaction on the single writer connection; the async signatures match the port so that a
 * networked adapter fits the same callers.
 */
export class SqliteQueueStore implements QueueStore {
  private readonly s: QueueStatements;
  private readonly queries: QueueQueries;
  private readonly claimed: { read: (row: unknown[]) => Task; rank: number; seq: number; skill: number };

  /** `clock`: the lease clock; for an embedded database the host's clock is the database's. */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.s = prepareQueueStatements(db);
    this.queries = new QueueQueries(db);
    this.s.claim.raw(true);
    const columns = this.s.claim.columns();
    this.claimed = {
      read: rawTaskReader(columns),
      rank: columns.findIndex((c) => c.name === 'rank'),
      seq: columns.findIndex((c) => c.name === 'seq'),
      skill: columns.findIndex((c) => c.name === 'skill'),
    };
  }

  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw sqliteError(error);
    }
  }

  private load(id: string): Task | null {
    const row = this.s.get.get(id) as TaskRow | undefined;
    return row ? rowToTask(row) : null;
  }

  /**
   * Inserts tasks inside a write transaction the caller already holds: SqliteMissionStore commits
   * a mission row and its plan's tasks together this way.
   */
  insertWithin(tasks: NewTask[], now: number): EnqueueOutcome[] {
    if (!this.db.inTransaction) {
      throw new MagnaError('INTERNAL', 'insertWithin needs an open transaction.');
    }
    return this.insertTasks(tasks, now);
  }

  private insertTasks(tasks: NewTask[], now: number): EnqueueOutcome[] {
    const outcomes: EnqueueOutcome[] = [];
    const tally = new TaskTally();
    for (const task of tasks) {
      if (task.idempotencyKey !== null) {
        const existing = this.s.byKey.get(task.idempotencyKey) as TaskRow | undefined;
        if (existing) {
          outcomes.push({ task: rowToTask(existing), created: false });
          continue;
        }
      }
      let waitingOn = 0;
      for (const parent of task.dependsOn) {
        const dep = this.s.depState.get(parent) as { state: TaskState } | undefined;
        if (!dep) {
          throw new MagnaError('QUEUE_INVALID_TASK', `Task ${task.id} depends on unknown task ${parent}.`, {
            details: { taskId: task.id, dependsOn: parent },
          });
        }
        if (dep.state === 'dead' || dep.state === 'cancelled') {
          throw new MagnaError(
            'QUEUE_INVALID_TASK',
            `Task ${task.id} depends on task ${parent}, which is ${dep.state}.`,
            {
              details: { taskId: task.id, dependsOn: parent, state: dep.state },
            },
          );
        }
        if (dep.state !== 'succeeded') waitingOn++;
      }
      const state = waitingOn > 0 ? 'waiting' : 'queued';
      const input = JSON.stringify(task.input ?? null);
      let seq: number;
      try {
        seq = Number(
          this.s.insert.run(
            task.id,
            task.skill,
            input,
            state,
            task.priority,
            task.runAt,
            task.rank,
            task.maxAttempts,
            task.timeoutMs,
            task.idempotencyKey,
            task.missionId,
            task.parentId,
            task.actor === null ? null : JSON.stringify(task.actor),
            JSON.stringify(task.tags),
            waitingOn,
            now,
          ).lastInsertRowid,
        );
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new MagnaError('QUEUE_INVALID_TASK', `A task with id ${task.id} already exists.`, {
            cause: error,
          });
        }
        throw error;
      }
      for (const parent of task.dependsOn) this.s.insertDep.run(parent, task.id);
      tally.add(task.skill, state, 1);
      // Built from what was just written instead of read back: reading the 27-column row into
      // an object cost ~10 us a task, a third of an enqueue (seq is the rowid).
      outcomes.push({
        task: insertedTask(task, seq, state, waitingOn, JSON.parse(input), now),
        created: true,
      });
    }
    tally.apply(this.s.countBump);
    return outcomes;
  }

  async enqueue(tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
    return this.tx(() => this.insertTasks(tasks, now));
  }

  async claim(request: ClaimRequest): Promise<Task[]> {
    // An idle node claims every queue.pollMs: with no queued task of its skills the answer comes
    // from task_counts without taking the write lock. The empty write transaction, 20 times a
    // second, was most of an idle node's CPU (2.7% of a core on the 2-core machine).
    if (!this.s.anyQueued.get(JSON.stringify([...request.skills.keys()]))) return [];
    return this.tx(() => {
      const { limit } = request;
      const now = this.clock.now();
      const open: string[] = [];
      // Skills claimed on their own: capped below the batch, or rate-limited (their starts are counted).
      const separate: Array<{ skill: string; max: number; rated: boolean }> = [];
      // Rate limits count starts in fixed one-second windows (a burst may reach 2x at a boundary).
      const window = Math.floor(now / 1000);
      for (const [skill, workerMax] of request.skills) {
        let max = Math.min(workerMax, limit);
        const rule = request.skillLimits[skill];
        if (rule?.concurrency !== undefined) {
          max = Math.min(max, rule.concurrency - (this.s.runningOfSkill.get(skill) as { n: number }).n);
        }
        const rated = rule?.perSecond !== undefined;
        if (rated) {
          const used = (this.s.rateUsed.get(skill, window) as { starts: number } | undefined)?.starts ?? 0;
          max = Math.min(max, rule.perSecond! - used);
        }
        if (max <= 0) continue;
        if (max >= limit && !rated) open.push(skill);
        else separate.push({ skill, max, rated });
      }
      const expires = now + request.leaseMs;
      const claimed: unknown[][] = [];
      const run = (skills: string[], max: number) => {
        const rows = this.s.claim.all({
          workerId: request.workerId,
          expires,
          now,
          skills: JSON.stringify(skills),
          limit: max,
        });
        claimed.push(...(rows as unknown[][]));
        return rows.length;
      };
      if (open.length > 0) run(open, limit);
      for (const { skill, max, rated } of separate) {
        if (claimed.length >= limit) break;
        const count = run([skill], Math.min(max, limit - claimed.length));
        if (rated && count > 0) {
          this.s.rateForget.run(skill, window - 60);
          this.s.rateAdd.run(skill, window, count);
        }
      }
      // RETURNING gives rows in no promised order; hand them out in claim order.
      const { rank, seq, read, skill } = this.claimed;
      const tally = new TaskTally();
      for (const row of claimed) tally.move(row[skill] as string, 'queued', 'running');
      tally.apply(this.s.countBump);
      claimed.sort(
        (a, b) => (a[rank] as number) - (b[rank] as number) || (a[seq] as number) - (b[seq] as number),
      );
      return claimed.map(read);
    });
  }

  async heartbeat(leases: Lease[], leaseMs: number): Promise<string[]> {
    return this.tx(() => {
      const now = this.clock.now();
      const lost: string[] = [];
      for (const lease of leases) {
        const changed = this.s.heartbeat.run(
          now + leaseMs,
          lease.taskId,
          lease.attempt,
          lease.workerId,
        ).changes;
        if (changed === 0) lost.push(lease.taskId);
      }
      return lost;
    });
  }

  async progress(lease: Lease, progress: number, message: string | null): Promise<void> {
    this.tx(() => {
      const changed = this.s.progress.run(
        progress,
        message,
        lease.taskId,
        lease.attempt,
        lease.workerId,
      ).changes;
      if (changed === 0) this.leaseLost(lease);
    });
  }

  private leaseLost(lease: Lease): never {
    const task = this.load(lease.taskId);
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

  private releaseDependants(taskId: string, now: number, tally: TaskTally): Task[] {
    const released: Task[] = [];
    for (const { task_id } of this.s.dependants.all(taskId) as Array<{ task_id: string }>) {
      const row = this.s.releaseDependant.get({ id: task_id, now }) as TaskRow | undefined;
      if (row && row.state === 'queued') {
        tally.move(row.skill, 'waiting', 'queued');
        released.push(rowToTask(row));
      }
    }
    return released;
  }

  /** Cancels every unfinished task that depends, directly or not, on taskId. */
  private cancelDependants(taskId: string, reason: string, now: number, tally: TaskTally): Task[] {
    const cancelled: Task[] = [];
    const stack = [taskId];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const { task_id } of this.s.dependants.all(current) as Array<{ task_id: string }>) {
        const before = this.s.depState.get(task_id) as { state: TaskState } | undefined;
        const row = this.s.cancel.get(reason, now, task_id) as TaskRow | undefined;
        if (row && before) {
          tally.move(row.skill, before.state, 'cancelled');
          cancelled.push(rowToTask(row));
          stack.push(task_id);
        }
      }
    }
    return cancelled;
  }

  /** After a success is written under its lease: its outbox effects, children and released dependants. */
  private afterSuccess(
    { lease, effects, children }: Completion,
    now: number,
    tally: TaskTally,
    releaseNow = true,
  ): Consequences {
    for (const effect of effects) {
      this.s.insertEffect.run(
        effect.key,
        lease.taskId,
        effect.kind,
        JSON.stringify(effect.payload ?? null),
        now,
      );
    }
    const childOutcomes = this.insertTasks(children, now);
    return {
      released: releaseNow ? this.releaseDependants(lease.taskId, now, tally) : [],
      cancelled: [],
      children: childOutcomes.filter((o) => o.created).map((o) => o.task),
    };
  }

  async complete(lease: Lease, output: unknown, effects: Effect[], children: NewTask[], now: number) {
    return this.tx(() => {
      const row = this.s.succeed.get(
        JSON.stringify(output ?? null),
        now,
        lease.taskId,
        lease.attempt,
        lease.workerId,
      );
      if (!row) this.leaseLost(lease);
      const task = rowToTask(row as TaskRow);
      const tally = new TaskTally();
      tally.move(task.skill, 'running', 'succeeded');
      const consequences = this.afterSuccess({ lease, output, effects, children }, now, tally);
      tally.apply(this.s.countBump);
      return { task, ...consequences };
    });
  }

  /** complete() without reading the whole row back: only what events and the worker need. */
  private settleSlim(
    completion: Completion,
    now: number,
    tally: TaskTally,
    releaseNow = true,
  ): { task: SettledTask } & Consequences {
    const { lease, output } = completion;
    const row = this.s.succeedSlim.get(
      JSON.stringify(output ?? null),
      now,
      lease.taskId,
      lease.attempt,
      lease.workerId,
    ) as { skill: string; mission_id: string | null; started_at: number | null } | undefined;
    if (!row) this.leaseLost(lease);
    tally.move(row.skill, 'running', 'succeeded');
    const task = {
      id: lease.taskId,
      skill: row.skill,
      missionId: row.mission_id,
      attempt: lease.attempt,
      startedAt: row.started_at,
      finishedAt: now,
    };
    return { task, ...this.afterSuccess(completion, now, tally, releaseNow) };
  }

  /**
   * Group commit: each commit writes every page it dirtied (the row's table page and a page of each
   * index it touches) to the WAL, whatever the number of rows, so settling a node's successes
   * together rather than one transaction each cut a no-op task's CPU by about half (queue
   * benchmark, batches of 64). A completion bringing children runs in a savepoint, so a refused
   * child rolls back only that completion; a lost lease is detected before anything is written.
   */
  async completeMany(completions: Completion[], now: number): Promise<CompletionOutcome[]> {
    return this.tx(() => {
      const tally = new TaskTally();
      // Dependants of the completions without children are looked up in one query after the loop
      // instead of one per task (most tasks have none; the lookup was ~2% of the queue's CPU).
      const deferred = new Map<string, Consequences>();
      const outcomes = completions.map((completion): CompletionOutcome => {
        try {
          if (completion.children.length === 0) {
            const outcome = this.settleSlim(completion, now, tally, false);
            deferred.set(outcome.task.id, outcome);
            return outcome;
          }
          // The savepoint's counts are written inside it, so a refused completion rolls them back too.
          return this.db.transaction(() => {
            const own = new TaskTally();
            const outcome = this.settleSlim(completion, now, own);
            own.apply(this.s.countBump);
            return outcome;
          })();
        } catch (error) {
          if (isMagnaError(error)) return { error };
          throw error;
        }
      });
      if (deferred.size > 0) this.releaseDependantsOf(deferred, now, tally);
      tally.apply(this.s.countBump);
      return outcomes;
    });
  }

  /** releaseDependants for several settled tasks with one lookup, in the order of `settled`. */
  private releaseDependantsOf(settled: Map<string, Consequences>, now: number, tally: TaskTally): void {
    const pairs = this.s.dependantsOfMany.all(JSON.stringify([...settled.keys()])) as Array<{
      depends_on: string;
      task_id: string;
    }>;
    if (pairs.length === 0) return;
    const byParent = new Map<string, string[]>();
    for (const { depends_on, task_id } of pairs) {
      const list = byParent.get(depends_on);
      if (list) list.push(task_id);
      else byParent.set(depends_on, [task_id]);
    }
    for (const [parent, consequences] of settled) {
      for (const id of (byParent.get(parent) ?? []).sort()) {
        const row = this.s.releaseDependant.get({ id, now }) as TaskRow | undefined;
        if (row && row.state === 'queued') {
          tally.move(row.skill, 'waiting', 'queued');
          consequences.released.push(rowToTask(row));
        }
      }
    }
  }

  private settleFailure(
    task: Task,
    error: TaskError,
    decision: FailureDecision,
    now: number,
    tally: TaskTally,
  ) {
    const errorJson = JSON.stringify(error);
    if ('dead' in decision) {
      const row = this.s.kill.get(errorJson, now, task.id) as TaskRow;
      tally.move(task.skill, task.state, 'dead');
      const reason = `dependency ${task.id} (${task.skill}) failed: ${error.message}`;
      return {
        task: rowToTask(row),
        released: [],
        cancelled: this.cancelDependants(task.id, reason, now, tally),
        children: [],
      };
    }
    const row = this.s.retry.get(decision.retryAt, decision.rank, errorJson, task.id) as TaskRow;
    tally.move(task.skill, task.state, 'queued');
    return { task: rowToTask(row), released: [], cancelled: [], children: [] };
  }

  async fail(lease: Lease, error: TaskError, decide: (task: Task) => FailureDecision, now: number) {
    return this.tx(() => {
      const task = this.load(lease.taskId);
      if (task?.state !== 'running' || task.attempt !== lease.attempt || task.leaseOwner !== lease.workerId) {
        this.leaseLost(lease);
      }
      const tally = new TaskTally();
      const settled = this.settleFailure(task, error, decide(task), now, tally);
      tally.apply(this.s.countBump);
      return settled;
    });
  }

  async release(lease: Lease, _now: number): Promise<Task | null> {
    return this.tx(() => {
      const row = this.s.release.get(lease.taskId, lease.attempt, lease.workerId) as TaskRow | undefined;
      if (!row) return null;
      const tally = new TaskTally();
      tally.move(row.skill, 'running', 'queued');
      tally.apply(this.s.countBump);
      return rowToTask(row);
    });
  }

  async cancel(taskId: string, reason: string, now: number) {
    return this.tx(() => {
      const before = this.s.depState.get(taskId) as { state: TaskState } | undefined;
      const row = this.s.cancel.get(reason, now, taskId) as TaskRow | undefined;
      if (!row || !before) {
        const task = this.load(taskId);
        if (!task) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`);
        throw new MagnaError('QUEUE_TASK_STATE', `Task ${taskId} is ${task.state} and cannot be cancelled.`, {
          details: { taskId, state: task.state },
        });
      }
      const tally = new TaskTally();
      tally.move(row.skill, before.state, 'cancelled');
      const cancelled = this.cancelDependants(
        taskId,
        `dependency ${taskId} was cancelled: ${reason}`,
        now,
        tally,
      );
      tally.apply(this.s.countBump);
      return { task: rowToTask(row), released: [], cancelled, children: [] };
    });
  }

  async redrive(taskId: string, now: number, rank: number): Promise<Task> {
    return this.tx(() => {
      const task = this.load(taskId);
      if (!task) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`);
      for (const parent of task.dependsOn) {
        const dep = this.s.depState.get(parent) as { state: TaskState } | undefined;
        if (dep && dep.state !== 'succeeded') {
          throw new MagnaError(
            'QUEUE_TASK_STATE',
            `Task ${taskId} cannot be redriven: its dependency ${parent} is ${dep.state}.`,
            {
              details: { taskId, dependsOn: parent, state: dep.state },
            },
          );
        }
      }
      const row = this.s.redrive.get(now, rank, taskId) as TaskRow | undefined;
      if (!row) {
        throw new MagnaError(
          'QUEUE_TASK_STATE',
          `Task ${taskId} is ${task.state}; only dead or cancelled tasks can be redriven.`,
          {
            details: { taskId, state: task.state },
          },
        );
      }
      const tally = new TaskTally();
      tally.move(task.skill, task.state, 'queued');
      tally.apply(this.s.countBump);
      return rowToTask(row);
    });
  }

  async recoverExpired(decide: (task: Task) => FailureDecision) {
    return this.tx(() => {
      const now = this.clock.now();
      const rows = this.s.expired.all(now) as TaskRow[];
      const tally = new TaskTally();
      const settled = rows.map((row) => {
        const task = rowToTask(row);
        const error = {
          code: 'TIMEOUT',
          message: `lease of worker ${task.leaseOwner} expired during attempt ${task.attempt}`,
        };
        return this.settleFailure(task, error, decide(task), now, tally);
      });
      tally.apply(this.s.countBump);
      return settled;
    });
  }

  async get(taskId: string): Promise<Task | null> {
    return this.load(taskId);
  }

  async list(filter: TaskFilter): Promise<Task[]> {
    return this.queries.tasks(filter);
  }

  async countByState() {
    return this.s.counts.all() as Array<{ skill: string; state: TaskState; count: number }>;
  }

  async effects(filter: EffectFilter) {
    return this.queries.effects(filter);
  }

  async markEffectsDelivered(keys: string[], now: number): Promise<void> {
    this.tx(() => {
      for (const key of keys) this.s.markDelivered.run(now, key);
    });
  }

  async prune(before: number): Promise<number> {
    return this.tx(() => {
      const rows = this.s.prune.all(before) as Array<{ id: string; skill: string; state: TaskState }>;
      const tally = new TaskTally();
      for (const { id, skill, state } of rows) {
        this.s.pruneDeps.run(id, id);
        this.s.pruneEffects.run(id);
        tally.add(skill, state, -1);
      }
      tally.apply(this.s.countBump);
      return rows.length;
    });
  }
}
