/** The queue's vocabulary, shared by the TaskQueue, its store port and every adapter. */
import type { Principal } from '../core/principal.js';

export type TaskState = 'waiting' | 'queued' | 'running' | 'succeeded' | 'dead' | 'cancelled';
export const FINISHED_STATES: readonly TaskState[] = ['succeeded', 'dead', 'cancelled'];

export interface TaskError {
  code: string;
  message: string;
}

/** What a caller asks for. Everything but skill and input has a default. */
export interface TaskSpec {
  /** Caller-chosen id, so a plan can name its tasks before they exist (defaults to a new id). */
  id?: string;
  skill: string;
  input?: unknown;
  /** 0 (lowest) to 9 (highest); default 5. */
  priority?: number;
  /** Earliest start, epoch ms; or use delayMs. */
  runAt?: number;
  delayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** A second enqueue with this key while the first task is unfinished returns the first task. */
  idempotencyKey?: string;
  /** Ids of tasks that must succeed before this one may run. */
  dependsOn?: string[];
  missionId?: string;
  parentId?: string;
  /** Who submitted the task; its skill acts on their behalf (default: the agent itself). */
  actor?: Principal;
  tags?: string[];
}

export interface Task {
  id: string;
  seq: number;
  skill: string;
  input: unknown;
  output: unknown;
  state: TaskState;
  priority: number;
  runAt: number;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  idempotencyKey: string | null;
  missionId: string | null;
  parentId: string | null;
  actor: Principal | null;
  tags: string[];
  dependsOn: string[];
  waitingOn: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  progress: number | null;
  progressMessage: string | null;
  lastError: TaskError | null;
  cancelReason: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Proof of holding one attempt of a task; completing or failing requires it (fencing). */
export interface Lease {
  taskId: string;
  attempt: number;
  workerId: string;
}

/** An effect recorded atomically with a task's success (transactional outbox). */
export interface Effect {
  key: string;
  kind: string;
  payload: unknown;
}

export interface TaskFilter {
  state?: TaskState | TaskState[];
  skill?: string;
  missionId?: string;
  tag?: string;
  limit?: number;
  /** Return tasks with seq greater than this (pagination). */
  afterSeq?: number;
}

export interface SkillLimit {
  /** Most tasks of this skill running at once, across every node sharing the store. */
  concurrency?: number;
  /** Most task starts of this skill per second. */
  perSecond?: number;
}
