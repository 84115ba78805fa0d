import { type Clock, systemClock } from '../core/clock.js';
import type { MagnaConfig } from '../core/config.js';
import { issuesToDetails, MagnaError, toMagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import { type Principal, SYSTEM_ROLES } from '../core/principal.js';
import { backoffDelay, rankOf } from './ordering.js';
import type { SkillCatalog } from './skill-catalog.js';
import type {
  Completion,
  Consequences,
  EnqueueOutcome,
  FailureDecision,
  NewTask,
  QueueStore,
  SettledTask,
} from './store-port.js';
import type { Effect, Lease, Task, TaskError, TaskFilter, TaskSpec } from './types.js';

export type QueueOptions = MagnaConfig['queue'];

/** One success to settle with completeMany. */
export interface CompletionSpec {
  lease: Lease;
  output: unknown;
  effects?: Effect[];
  children?: TaskSpec[];
}

/** Errors whose retry cannot help: the same input will fail the same way. */
const PERMANENT_CODES = new Set([
  'QUEUE_INVALID_INPUT',
  'QUEUE_UNKNOWN_SKILL',
  'INVALID_ARGUMENT',
  'QUEUE_OUTPUT_INVALID',
  // The sources were read and failed with their reasons; `tasks retry` runs it again on purpose.
  'RESEARCH_NO_USABLE_SOURCES',
  'STEP_OUTPUT_EMPTY',
]);

/**
 * Queue semantics on top of a QueueStore: defaults, validation against skill schemas, retry
 * policy, and one typed event per state change (emitted after the change is committed).
 */
export class TaskQueue {
  constructor(
    readonly store: QueueStore,
    private readonly catalog: SkillCatalog,
    private readonly events: EventHub,
    readonly options: QueueOptions,
    private readonly clock: Clock = systemClock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Validates and normalises one spec; throws a coded error naming the field. */
  prepare(spec: TaskSpec, now = this.clock.now()): NewTask {
    if (!spec || typeof spec !== 'object' || typeof spec.skill !== 'string') {
      throw new MagnaError('QUEUE_INVALID_TASK', 'A task needs a skill name.', {
        details: { field: 'skill' },
      });
    }
    const skill = this.catalog.require(spec.skill);
    const parsed = skill.input.safeParse(spec.input ?? {});
    if (!parsed.success) {
      throw new MagnaError('QUEUE_INVALID_INPUT', `Input for skill ${spec.skill} is invalid.`, {
        details: { skill: spec.skill, ...issuesToDetails(parsed.error.issues) },
      });
    }
    const priority = spec.priority ?? 5;
    checkInt('priority', priority, 0, 9);
    const maxAttempts = spec.maxAttempts ?? this.options.defaultMaxAttempts;
    checkInt('maxAttempts', maxAttempts, 1, 100);
    const timeoutMs = spec.timeoutMs ?? this.options.defaultTimeoutMs;
    checkInt('timeoutMs', timeoutMs, 1, 24 * 3600_000);
    if (spec.delayMs !== undefined) checkInt('delayMs', spec.delayMs, 0, 365 * 24 * 3600_000);
    if (spec.runAt !== undefined) checkInt('runAt', spec.runAt, 0, Number.MAX_SAFE_INTEGER);
    const runAt = spec.runAt ?? now + (spec.delayMs ?? 0);
    const dependsOn = [...new Set(spec.dependsOn ?? [])];
    if (!dependsOn.every((id) => typeof id === 'string' && id.length > 0)) {
      throw new MagnaError('QUEUE_INVALID_TASK', 'dependsOn must be a list of task ids.', {
        details: { field: 'dependsOn' },
      });
    }
    const id = spec.id ?? newId('task');
    if (typeof id !== 'string' || !/^[\w.:-]{1,128}$/.test(id)) {
      throw new MagnaError('QUEUE_INVALID_TASK', 'A task id is 1-128 letters, digits, _ . : or -.', {
        details: { field: 'id' },
      });
    }
    if (dependsOn.includes(id)) {
      throw new MagnaError('QUEUE_INVALID_TASK', `Task ${id} cannot depend on itself.`, {
        details: { field: 'dependsOn' },
      });
    }
    return {
      id,
      skill: spec.skill,
      input: parsed.data,
      priority,
      runAt,
      rank: rankOf(runAt, priority, this.options.agingStepMs),
      maxAttempts,
      timeoutMs,
      idempotencyKey: spec.idempotencyKey ?? null,
      dependsOn,
      missionId: spec.missionId ?? null,
      parentId: spec.parentId ?? null,
      actor: spec.actor === undefined ? null : checkActor(spec.actor),
      tags: spec.tags ?? [],
    };
  }

  async enqueue(spec: TaskSpec): Promise<Task> {
    const [task] = await this.enqueueMany([spec]);
    return task!;
  }

  /** Enqueues a batch atomically: all tasks or none. A task may depend on earlier ones in the batch. */
  enqueueMany(specs: TaskSpec[]): Promise<Task[]> {
    return this.enqueueManyWith(specs, (tasks, now) => this.store.enqueue(tasks, now));
  }

  /**
   * enqueueMany through a caller's store write that commits the tasks together with its own rows
   * in one transaction (a mission and its plan); validation before and events after are the same.
   */
  async enqueueManyWith(
    specs: TaskSpec[],
    write: (tasks: NewTask[], now: number) => Promise<EnqueueOutcome[]>,
  ): Promise<Task[]> {
    const now = this.clock.now();
    const prepared = specs.map((spec) => this.prepare(spec, now));
    const outcomes = await write(prepared, now);
    for (const outcome of outcomes) if (outcome.created) this.emitQueued(outcome.task);
    return outcomes.map((o) => o.task);
  }

  async claim(
    workerId: string,
    skills: ReadonlyMap<string, number>,
    limit = this.options.claimBatch,
  ): Promise<Task[]> {
    if (skills.size === 0 || limit <= 0) return [];
    const tasks = await this.store.claim({
      workerId,
      skills,
      limit,
      leaseMs: this.options.leaseMs,
      skillLimits: this.options.skillLimits,
    });
    // Events are built only when something listens: per task, an event object was ~6% of the
    // queue's CPU in the throughput benchmark (enqueue with no node yet, claims with no dashboard).
    if (this.events.listening('task:started'))
      for (const task of tasks) this.events.emit('task:started', { ...base(task), workerId });
    return tasks;
  }

  heartbeat(leases: Lease[]): Promise<string[]> {
    return this.store.heartbeat(leases, this.options.leaseMs);
  }

  async progress(lease: Lease, task: Task, progress: number, message?: string): Promise<void> {
    const clamped = Math.max(0, Math.min(1, progress));
    await this.store.progress(lease, clamped, message ?? null);
    this.events.emit('task:progress', { ...base(task), progress: clamped, ...(message ? { message } : {}) });
  }

  async complete(
    lease: Lease,
    output: unknown,
    effects: Effect[] = [],
    children: TaskSpec[] = [],
  ): Promise<Task> {
    const now = this.clock.now();
    const prepared = children.map((spec) =>
      this.prepare({ ...spec, parentId: spec.parentId ?? lease.taskId }, now),
    );
    const result = await this.store.complete(lease, output, effects, prepared, now);
    this.emitSucceeded(result, now);
    return result.task;
  }

  /**
   * complete() for several attempts in one store transaction (group commit). Each is fenced by its
   * own lease and validated on its own: the result per completion, in order, is its task or the
   * coded error that refused it (QUEUE_LEASE_LOST, an invalid child), and a refusal leaves the
   * others settled.
   */
  async completeMany(
    completions: ReadonlyArray<CompletionSpec>,
  ): Promise<Array<{ task: SettledTask } | { error: MagnaError }>> {
    const now = this.clock.now();
    const results: Array<{ task: SettledTask } | { error: MagnaError }> = new Array(completions.length);
    const prepared: Completion[] = [];
    const positions: number[] = [];
    completions.forEach(({ lease, output, effects = [], children = [] }, i) => {
      try {
        const specs = children.map((spec) =>
          this.prepare({ ...spec, parentId: spec.parentId ?? lease.taskId }, now),
        );
        prepared.push({ lease, output, effects, children: specs });
        positions.push(i);
      } catch (error) {
        results[i] = { error: toMagnaError(error) };
      }
    });
    const outcomes = prepared.length > 0 ? await this.store.completeMany(prepared, now) : [];
    outcomes.forEach((outcome, k) => {
      const i = positions[k]!;
      if ('error' in outcome) {
        results[i] = outcome;
        return;
      }
      this.emitSucceeded(outcome, now);
      results[i] = { task: outcome.task };
    });
    return results;
  }

  async fail(lease: Lease, error: TaskError, options: { permanent?: boolean } = {}): Promise<Task> {
    const now = this.clock.now();
    const permanent = options.permanent === true || PERMANENT_CODES.has(error.code);
    const result = await this.store.fail(lease, error, (task) => this.decide(task, now, permanent), now);
    this.emitFailure(result, error);
    return result.task;
  }

  async release(lease: Lease): Promise<Task | null> {
    const task = await this.store.release(lease, this.clock.now());
    if (task) this.emitQueued(task);
    return task;
  }

  async cancel(taskId: string, reason = 'cancelled by request'): Promise<Task> {
    const result = await this.store.cancel(taskId, reason, this.clock.now());
    this.events.emit('task:cancelled', { ...base(result.task), reason });
    this.emitConsequences(result);
    return result.task;
  }

  async redrive(taskId: string): Promise<Task> {
    const now = this.clock.now();
    const current = await this.store.get(taskId);
    if (!current) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`);
    const task = await this.store.redrive(
      taskId,
      now,
      rankOf(now, current.priority, this.options.agingStepMs),
    );
    this.emitQueued(task);
    return task;
  }

  /** Returns tasks whose lease expired (killed or frozen worker) to the queue; each counts as an attempt. */
  async recoverExpired(): Promise<Task[]> {
    const now = this.clock.now();
    const results = await this.store.recoverExpired((task) => this.decide(task, now, false));
    for (const result of results)
      this.emitFailure(result, result.task.lastError ?? { code: 'TIMEOUT', message: 'lease expired' });
    return results.map((r) => r.task);
  }

  get(taskId: string): Promise<Task | null> {
    return this.store.get(taskId);
  }

  async require(taskId: string): Promise<Task> {
    const task = await this.store.get(taskId);
    if (!task) throw new MagnaError('NOT_FOUND', `Task ${taskId} does not exist.`, { details: { taskId } });
    return task;
  }

  list(filter: TaskFilter = {}): Promise<Task[]> {
    return this.store.list(filter);
  }

  /** Deletes finished tasks older than the retention age; returns how many. */
  prune(): Promise<number> {
    if (this.options.retentionMs === 0) return Promise.resolve(0);
    return this.store.prune(this.clock.now() - this.options.retentionMs);
  }

  private decide(task: Task, now: number, permanent: boolean): FailureDecision {
    if (permanent || task.attempt >= task.maxAttempts) return { dead: true };
    const retryAt =
      now + backoffDelay(task.attempt, this.options.backoffBaseMs, this.options.backoffMaxMs, this.random);
    return { retryAt, rank: rankOf(retryAt, task.priority, this.options.agingStepMs) };
  }

  private emitSucceeded(result: { task: SettledTask } & Consequences, now: number): void {
    if (this.events.listening('task:succeeded')) {
      const durationMs = now - (result.task.startedAt ?? now);
      this.events.emit('task:succeeded', { ...base(result.task), durationMs });
    }
    this.emitConsequences(result);
  }

  private emitQueued(task: Task): void {
    if (!this.events.listening('task:queued')) return;
    this.events.emit('task:queued', {
      ...base(task),
      priority: task.priority,
      runAt: task.runAt,
      waitingOn: task.waitingOn,
    });
  }

  private emitFailure(result: { task: Task } & Consequences, error: TaskError): void {
    const { task } = result;
    const willRetry = task.state === 'queued';
    this.events.emit('task:failed', { ...base(task), error, willRetry });
    if (willRetry) {
      this.events.emit('task:retrying', {
        ...base(task),
        runAt: task.runAt,
        delayMs: Math.max(0, task.runAt - this.clock.now()),
      });
    } else {
      this.events.emit('task:dead', { ...base(task), error });
    }
    this.emitConsequences(result);
  }

  private emitConsequences(result: Consequences): void {
    if (result.children.length + result.released.length + result.cancelled.length === 0) return;
    for (const task of result.children) this.emitQueued(task);
    for (const task of result.released) this.emitQueued(task);
    for (const task of result.cancelled)
      this.events.emit('task:cancelled', { ...base(task), reason: task.cancelReason ?? '' });
  }
}

function base(task: Pick<Task, 'id' | 'skill' | 'missionId' | 'attempt'>) {
  return { taskId: task.id, skill: task.skill, missionId: task.missionId, attempt: task.attempt };
}

/** A task's actor must be a well-formed principal: it decides what the skill may read and write. */
function checkActor(actor: Principal): Principal {
  const valid =
    typeof actor === 'object' &&
    actor !== null &&
    typeof actor.id === 'string' &&
    actor.id.length > 0 &&
    (SYSTEM_ROLES as readonly string[]).includes(actor.role) &&
    (actor.namespaces === undefined ||
      (Array.isArray(actor.namespaces) && actor.namespaces.every((n) => typeof n === 'string')));
  if (!valid)
    throw new MagnaError('QUEUE_INVALID_TASK', 'actor must be a principal { id, role, namespaces? }.', {
      details: { field: 'actor' },
    });
  return actor.namespaces === undefined
    ? { id: actor.id, role: actor.role }
    : { id: actor.id, role: actor.role, namespaces: [...actor.namespaces] };
}

function checkInt(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MagnaError('QUEUE_INVALID_TASK', `${field} must be an integer from ${min} to ${max}.`, {
      details: { field, value },
    });
  }
}
