import type { AgentDefinition, AgentMessaging, SkillContext, SkillDefinition } from '../agents/sdk.js';
import type { ArtifactStore } from '../agents/artifacts.js';
import type { AgentServices } from '../agents/services.js';
import type { MagnaConfig } from '../core/config.js';
import { isMagnaError, MagnaError, toMagnaError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../observability/logger.js';
import { stepKeyOf } from '../orchestrator/missions.js';
import type { TaskQueue } from '../queue/task-queue.js';
import type { Effect, Lease, Task, TaskSpec } from '../queue/types.js';

/** Why a running handler was aborted; decides how its task is settled. */
export type AbortCause = 'cancelled' | 'timeout' | 'shutdown';

export interface RunningTask {
  task: Task;
  lease: Lease;
  agent: string;
  controller: AbortController;
  abortCause?: AbortCause;
  done: Promise<void>;
}

export interface RunnerDeps {
  queue: TaskQueue;
  config: Readonly<MagnaConfig>;
  logger: Logger;
  artifacts: ArtifactStore;
  services: AgentServices;
  messaging(agentName: string): AgentMessaging;
}

/**
 * Runs one claimed task on one agent: builds its context, enforces the timeout, validates the
 * output and settles the attempt (complete, fail or release) under the attempt's lease.
 */
export function runTask(deps: RunnerDeps, agent: AgentDefinition, skill: SkillDefinition, task: Task, workerId: string): RunningTask {
  const controller = new AbortController();
  const lease: Lease = { taskId: task.id, attempt: task.attempt, workerId };
  const running: RunningTask = { task, lease, agent: agent.name, controller, done: Promise.resolve() };
  running.done = execute(deps, agent, skill, running).catch((error: unknown) => {
    deps.logger.error({ err: error, taskId: task.id }, 'settling a task failed');
  });
  return running;
}

async function execute(deps: RunnerDeps, agent: AgentDefinition, skill: SkillDefinition, running: RunningTask): Promise<void> {
  const { task, lease, controller } = running;
  const logger = deps.logger.child({ taskId: task.id, skill: task.skill, attempt: task.attempt, agent: agent.name });
  const children: TaskSpec[] = [];
  const effects: Effect[] = [];
  const timer = setTimeout(() => {
    running.abortCause ??= 'timeout';
    controller.abort(new MagnaError('TIMEOUT', `Task ${task.id} exceeded its ${task.timeoutMs} ms time limit.`));
  }, task.timeoutMs);
  try {
    const ctx: SkillContext = {
      signal: controller.signal,
      logger,
      task: { id: task.id, attempt: task.attempt, missionId: task.missionId, skill: task.skill },
      upstream: await upstreamOf(deps.queue, task),
      agent: { name: agent.name, role: agent.role },
      config: deps.config,
      artifacts: deps.artifacts,
      services: deps.services,
      bus: deps.messaging(agent.name),
      progress: (fraction, message) => deps.queue.progress(lease, task, fraction, message),
      enqueue(spec) {
        const id = spec.id ?? newId('task');
        children.push({ ...spec, id, parentId: task.id, missionId: spec.missionId ?? task.missionId ?? undefined });
        return id;
      },
      effect(kind, key, payload) {
        effects.push({ kind, key, payload });
      },
      writeArtifact: (name, content) => deps.artifacts.write(task.missionId ?? task.id, name, content),
    };
    const input = skill.input.parse(task.input);
    const raced = await raceAbort(skill.handler(input, ctx), controller.signal);
    const output = skill.output.safeParse(raced);
    if (!output.success) {
      throw new MagnaError('QUEUE_OUTPUT_INVALID', `Skill ${skill.name} returned output that does not match its schema.`, {
        details: { issues: output.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
    }
    await deps.queue.complete(lease, output.data, effects, children);
  } catch (error) {
    await settleFailure(deps, running, error, logger);
  } finally {
    clearTimeout(timer);
  }
}

async function settleFailure(deps: RunnerDeps, running: RunningTask, error: unknown, logger: Logger): Promise<void> {
  const { lease } = running;
  try {
    if (isMagnaError(error, 'QUEUE_LEASE_LOST') || running.abortCause === 'cancelled') {
      logger.info({ code: isMagnaError(error) ? error.code : 'CANCELLED' }, 'attempt no longer held; result discarded');
      return;
    }
    if (running.abortCause === 'shutdown') {
      await deps.queue.release(lease);
      logger.info('released at shutdown');
      return;
    }
    const coded = running.abortCause === 'timeout' ? new MagnaError('TIMEOUT', 'the attempt timed out') : toMagnaError(error, 'QUEUE_HANDLER_FAILED');
    logger.warn({ err: error, code: coded.code }, 'attempt failed');
    await deps.queue.fail(lease, { code: coded.code, message: errorMessage(error, coded) });
  } catch (settleError) {
    if (isMagnaError(settleError, 'QUEUE_LEASE_LOST')) return;
    throw settleError;
  }
}

function errorMessage(error: unknown, coded: MagnaError): string {
  const message = error instanceof Error ? error.message : coded.message;
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}

/** A handler that ignores its signal still loses the race, so a timeout always settles. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function upstreamOf(queue: TaskQueue, task: Task): Promise<Record<string, unknown>> {
  const upstream: Record<string, unknown> = {};
  for (const id of task.dependsOn) {
    const parent = await queue.get(id);
    if (parent) upstream[stepKeyOf(parent)] = parent.output;
  }
  return upstream;
}
