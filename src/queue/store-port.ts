import type { MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Effect, Lease, SkillLimit, Task, TaskError, TaskFilter, TaskState } from './types.js';

/** A task as the store receives it: every default already applied by the TaskQueue. */
export interface NewTask {
  id: string;
  skill: string;
  input: unknown;
  priority: number;
  runAt: number;
  rank: number;
  maxAttempts: number;
  timeoutMs: number;
  idempotencyKey: string | null;
  dependsOn: string[];
  missionId: string | null;
  parentId: string | null;
  actor: Principal | null;
  tags: string[];
}

export interface EnqueueOutcome {
  task: Task;
  /** false when an unfinished task with the same idempotency key was returned instead. */
  created: boolean;
}

export interface ClaimRequest {
  workerId: string;
  /** Skill → most tasks of it this worker can take now. */
  skills: ReadonlyMap<string, number>;
  limit: number;
  leaseMs: number;
  skillLimits: Readonly<Record<string, SkillLimit>>;
}

/** What happened to other tasks as a consequence of a settlement (for events). */
export interface Consequences {
  /** Dependants whose last parent succeeded: now queued. */
  released: Task[];
  /** Dependants cancelled because a parent died or was cancelled. */
  cancelled: Task[];
  /** Children enqueued by the settled task. */
  children: Task[];
}

/** One attempt's success, as settled by completeMany. */
export interface Completion {
  lease: Lease;
  output: unknown;
  effects: Effect[];
  children: NewTask[];
}

/**
 * A success as completeMany reports it: what events and the settling worker need, not the whole
 * row (materialising every column of every settled row was a third of a group commit's cost).
 */
export type SettledTask = Pick<Task, 'id' | 'skill' | 'missionId' | 'attempt' | 'startedAt' | 'finishedAt'>;

/** Per completion: its settlement, or the coded error that refused it (e.g. QUEUE_LEASE_LOST). */
export type CompletionOutcome = ({ task: SettledTask } & Consequences) | { error: MagnaError };

/** How an attempt that did not succeed continues: retried at a time, or dead. */
export type FailureDecision = { retryAt: number; rank: number } | { dead: true };

/**
 * The queue's storage port. Every adapter (SQLite, PostgreSQL) implements exactly this and passes
 * the same contract suite (test/queue/contract.ts). All state transitions happen inside the store,
 * atomically; settlement methods are fenced by the lease's attempt number and owner.
 */
export interface QueueStore {
  enqueue(tasks: NewTask[], now: number): Promise<EnqueueOutcome[]>;
  /**
   * Leases are timed by the store's own clock (the database server's, for a networked store), never
   * by the worker's: hosts' clocks drift, and a lease judged by two clocks can be held twice.
   */
  claim(request: ClaimRequest): Promise<Task[]>;
  /** Extends the leases still held; returns the task ids whose lease is lost (cancelled, expired, taken). */
  heartbeat(leases: Lease[], leaseMs: number): Promise<string[]>;
  progress(lease: Lease, progress: number, message: string | null): Promise<void>;
  complete(
    lease: Lease,
    output: unknown,
    effects: Effect[],
    children: NewTask[],
    now: number,
  ): Promise<{ task: Task } & Consequences>;
  /**
   * Settles several successes in one transaction (group commit), each fenced by its own lease
   * exactly as complete() is: one refused completion leaves no trace and does not stop the others.
   * Outcomes are in the order of `completions`.
   */
  completeMany(completions: Completion[], now: number): Promise<CompletionOutcome[]>;
  fail(
    lease: Lease,
    error: TaskError,
    decide: (task: Task) => FailureDecision,
    now: number,
  ): Promise<{ task: Task } & Consequences>;
  /** Puts a held task back in the queue without counting the attempt (graceful shutdown). */
  release(lease: Lease, now: number): Promise<Task | null>;
  cancel(taskId: string, reason: string, now: number): Promise<{ task: Task } & Consequences>;
  /** Dead or cancelled → queued again with a fresh attempt count. */
  redrive(taskId: string, now: number, rank: number): Promise<Task>;
  /** Running tasks whose lease expired by the store's clock: each counts as an attempt, retried or dead. */
  recoverExpired(decide: (task: Task) => FailureDecision): Promise<Array<{ task: Task } & Consequences>>;
  get(taskId: string): Promise<Task | null>;
  list(filter: TaskFilter): Promise<Task[]>;
  countByState(): Promise<Array<{ skill: string; state: TaskState; count: number }>>;
  effects(filter: {
    taskId?: string;
    undelivered?: boolean;
    limit?: number;
  }): Promise<Array<Effect & { taskId: string; createdAt: number }>>;
  markEffectsDelivered(keys: string[], now: number): Promise<void>;
  /** Deletes finished tasks finished before `before` whose mission (if any) has finished. */
  prune(before: number): Promise<number>;
}
