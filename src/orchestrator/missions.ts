import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ArtifactStore } from '../agents/artifacts.js';
import { type Clock, systemClock } from '../core/clock.js';
import { MagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Principal } from '../core/principal.js';
import type { TaskQueue } from '../queue/task-queue.js';
import type { Task, TaskState } from '../queue/types.js';
import type { MissionOptions } from './plan.js';
import type { Planner } from './planner.js';
import type { Mission, MissionResult, MissionStatus, MissionStore } from './types.js';

/** Tag carried by each mission task naming its plan step, so outputs can be keyed by step. */
export const STEP_TAG = 'step:';

export function stepKeyOf(task: Pick<Task, 'tags' | 'id'>): string {
  const tag = task.tags.find((t) => t.startsWith(STEP_TAG));
  return tag ? tag.slice(STEP_TAG.length) : task.id;
}

export interface MissionView extends Mission {
  tasks: Array<
    Pick<Task, 'id' | 'skill' | 'state' | 'attempt' | 'progress' | 'progressMessage' | 'lastError'> & {
      step: string;
    }
  >;
  progress: { total: number; finished: number; byState: Partial<Record<TaskState, number>> };
}

/**
 * Missions: a goal, a plan (a DAG of tasks) and a status derived from those tasks. The status is
 * recomputed when one of its tasks finishes and frozen, with the result, when all have finished,
 * so pruning old tasks never changes what a mission reports.
 */
export class MissionService {
  constructor(
    private readonly store: MissionStore,
    private readonly queue: TaskQueue,
    private readonly planner: Planner,
    private readonly artifacts: ArtifactStore,
    private readonly events: EventHub,
    private readonly clock: Clock = systemClock,
  ) {
    const onFinished = (data: { missionId: string | null }) => {
      if (data.missionId) this.track(this.refresh(data.missionId));
    };
    events.on('task:succeeded', onFinished);
    events.on('task:dead', onFinished);
    events.on('task:cancelled', onFinished);
  }

  /** Refreshes started by task events and not finished yet; close() waits for them (drain). */
  private readonly pending = new Set<Promise<unknown>>();

  private track(refresh: Promise<unknown>): void {
    const settled = refresh.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /**
   * Waits for the refreshes that task events started. A short-lived process (a CLI `tasks cancel`)
   * calls this before closing its store, so the mission it settled is frozen before it exits.
   */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  get templates() {
    return this.planner.list();
  }

  /** Plans and submits a mission; its tasks act for `actor` when given (the API passes the caller). */
  async create(goal: string, options: MissionOptions = {}, actor?: Principal): Promise<Mission> {
    const plan = this.planner.plan(goal, options);
    const id = newId('mission');
    const mission: Mission = {
      id,
      goal: goal.trim(),
      template: plan.template,
      options,
      status: 'running',
      result: null,
      createdAt: this.clock.now(),
      finishedAt: null,
    };
    const taskId = (key: string) => `${id}.${key}`;
    // The mission row and its tasks commit together: nothing to undo when the plan is refused.
    await this.queue.enqueueManyWith(
      plan.steps.map((step) => ({
        id: taskId(step.key),
        skill: step.skill,
        input: step.input,
        dependsOn: (step.dependsOn ?? []).map(taskId),
        missionId: id,
        tags: [`${STEP_TAG}${step.key}`],
        ...(actor ? { actor } : {}),
        ...(step.priority !== undefined ? { priority: step.priority } : {}),
        ...(step.maxAttempts !== undefined ? { maxAttempts: step.maxAttempts } : {}),
        ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
      })),
      (tasks, now) => this.store.insertWithTasks(mission, tasks, now),
    );
    this.events.emit('mission:created', { missionId: id, goal: mission.goal, tasks: plan.steps.length });
    return mission;
  }

  async get(id: string): Promise<MissionView> {
    const mission = await this.store.get(id);
    if (!mission)
      throw new MagnaError('NOT_FOUND', `Mission ${id} does not exist.`, { details: { missionId: id } });
    const tasks = await this.queue.list({ missionId: id, limit: 10_000 });
    // State follows the tasks, whichever process or command settled them: a read reconciles.
    if (mission.status === 'running' && tasks.length > 0 && tasks.every((t) => isFinished(t.state))) {
      await this.settle(id, tasks);
      return this.get(id);
    }
    const byState: Partial<Record<TaskState, number>> = {};
    for (const task of tasks) byState[task.state] = (byState[task.state] ?? 0) + 1;
    const finished = (byState.succeeded ?? 0) + (byState.dead ?? 0) + (byState.cancelled ?? 0);
    return {
      ...mission,
      tasks: tasks.map((t) => ({
        id: t.id,
        step: stepKeyOf(t),
        skill: t.skill,
        state: t.state,
        attempt: t.attempt,
        progress: t.progress,
        progressMessage: t.progressMessage,
        lastError: t.lastError,
      })),
      progress: { total: tasks.length, finished, byState },
    };
  }

  /** Lists missions; running ones whose tasks have all finished (in any process) are settled first. */
  async list(filter: { status?: MissionStatus; limit?: number; before?: number } = {}): Promise<Mission[]> {
    const missions = await this.store.list(filter);
    let changed = false;
    for (const mission of missions) {
      if (mission.status === 'running' && (await this.refresh(mission.id)) !== 'running') changed = true;
    }
    return changed ? this.store.list(filter) : missions;
  }

  async cancel(id: string, reason = 'mission cancelled'): Promise<MissionView> {
    const mission = await this.get(id);
    if (mission.status !== 'running') {
      throw new MagnaError('QUEUE_TASK_STATE', `Mission ${id} has already ${mission.status}.`, {
        details: { missionId: id },
      });
    }
    for (const task of mission.tasks) {
      if (task.state === 'waiting' || task.state === 'queued' || task.state === 'running') {
        await this.queue.cancel(task.id, reason).catch((error: unknown) => {
          // A dependant may already have been cancelled by its parent's cancellation.
          if (!(error instanceof MagnaError && error.code === 'QUEUE_TASK_STATE')) throw error;
        });
      }
    }
    await this.refresh(id);
    return this.get(id);
  }

  /** Outputs by step and artifact paths, whether or not the mission has finished. */
  async results(id: string): Promise<MissionResult> {
    const mission = await this.store.get(id);
    if (!mission)
      throw new MagnaError('NOT_FOUND', `Mission ${id} does not exist.`, { details: { missionId: id } });
    if (mission.result) return mission.result;
    return this.collectResult(id);
  }

  /** Recomputes a mission's status from its tasks; freezes it when every task has finished. */
  async refresh(id: string): Promise<MissionStatus> {
    const mission = await this.store.get(id);
    if (mission?.status !== 'running') return mission?.status ?? 'failed';
    const tasks = await this.queue.list({ missionId: id, limit: 10_000 });
    if (tasks.some((t) => !isFinished(t.state))) return 'running';
    return this.settle(id, tasks);
  }

  /** Freezes a mission whose tasks have all finished; the one place a mission's final state is set. */
  private async settle(id: string, tasks: Task[]): Promise<Exclude<MissionStatus, 'running'>> {
    const status: Exclude<MissionStatus, 'running'> = tasks.every((t) => t.state === 'succeeded')
      ? 'succeeded'
      : tasks.some((t) => t.state === 'dead')
        ? 'failed'
        : 'cancelled';
    const result = await this.collectResult(id, tasks);
    if (await this.store.finish(id, status, result, this.clock.now())) {
      this.events.emit('mission:finished', { missionId: id, status });
    }
    return status;
  }

  private async collectResult(id: string, known?: Task[]): Promise<MissionResult> {
    const tasks = known ?? (await this.queue.list({ missionId: id, limit: 10_000 }));
    const steps: MissionResult['steps'] = {};
    const warnings: string[] = [];
    for (const task of tasks) {
      const stepWarnings = (task.output as { warnings?: unknown } | null)?.warnings;
      if (Array.isArray(stepWarnings)) {
        for (const w of stepWarnings) if (typeof w === 'string') warnings.push(`${stepKeyOf(task)}: ${w}`);
      }
      steps[stepKeyOf(task)] = {
        taskId: task.id,
        skill: task.skill,
        state: task.state,
        output: task.output,
        ...(task.lastError && task.state !== 'succeeded' ? { error: task.lastError } : {}),
      };
    }
    return {
      steps,
      artifacts: await listFiles(join(this.artifacts.root, id)),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
}

function isFinished(state: TaskState): boolean {
  return state === 'succeeded' || state === 'dead' || state === 'cancelled';
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}
