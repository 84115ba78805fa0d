import type { ArtifactStore } from '../agents/artifacts.js';
import type { AgentDefinition, AgentMessaging, SkillContext, SkillDefinition } from '../agents/sdk.js';
import type { AgentServices } from '../agents/services.js';
import type { MagnaConfig } from '../core/config.js';
import { isMagnaError, MagnaError, toMagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import { agentPrincipal } from '../core/principal.js';
import { type RetryOptions, retryUnavailable } from '../core/retry.js';
import type { Logger } from '../observability/logger.js';
import { stepKeyOf } from '../orchestrator/missions.js';
import type { CompletionSpec, TaskQueue } from '../queue/task-queue.js';
import type { Effect, Lease, Task, TaskSpec } from '../queue/types.js';

/** Why a running handler was aborted; decides how its task is settled. */
export type AbortCause = 'cancelled' | 'timeout' | 'shutdown';

export interface RunningTask {
  task: Task;
  lease: Lease;
  agent: string;
  abortCause?: AbortCause;
  /**
   * Aborts the attempt; the first cause is the one that counts. The handler's signal fires with
   * `reason`, and the attempt settles at once even if the handler ignores its signal.
   */
  abort(cause: AbortCause, reason: Error): void;
  done: Promise<void>;
}

export interface RunnerDeps {
  queue: TaskQueue;
  events: EventHub;
  config: Readonly<MagnaConfig>;
  logger: Logger;
  artifacts: ArtifactStore;
  services: AgentServices;
  messaging(agentName: string): AgentMessaging;
  /** Settles a success; a node passes its group-commit batcher here (default: queue.complete). */
  complete?: (spec: CompletionSpec) => Promise<unknown>;
}

/**
 * Runs one claimed task on one agent: builds its context, enforces the timeout, validates the
 * output and settles the attempt (complete, fail or release) under the attempt's lease.
 */
export function runTask(
  deps: RunnerDeps,
  agent: AgentDefinition,
  skill: SkillDefinition,
  task: Task,
  workerId: string,
): RunningTask {
  const lease: Lease = { taskId: task.id, attempt: task.attempt, workerId };
  const attempt = new AttemptAbort();
  const running: RunningTask = {
    task,
    lease,
    agent: agent.name,
    done: Promise.resolve(),
    abort(cause, reason) {
      running.abortCause ??= cause;
      attempt.abort(reason);
    },
  };
  running.done = execute(deps, agent, skill, running, attempt).catch((error: unknown) => {
    deps.logger.error({ err: error, taskId: task.id }, 'settling a task failed');
  });
  return running;
}

/*
 * Per-task work here is kept to what the task needs, measured with the queue benchmark (no-op
 * handler, CPU per task on a 2-core machine): the child logger, the bus facade and the
 * AbortController are made only when the handler uses them (together ~8% of a no-op task), and
 * upstream outputs are looked up only for tasks that have dependencies. Context functions are
 * methods rather than arrow properties: under tsx (keepNames) each named arrow costs a
 * defineProperty per task.
 */
async function execute(
  deps: RunnerDeps,
  agent: AgentDefinition,
  skill: SkillDefinition,
  running: RunningTask,
  attempt: AttemptAbort,
): Promise<void> {
  const { task, lease } = running;
  let logger: Logger | undefined;
  let bus: AgentMessaging | undefined;
  const children: TaskSpec[] = [];
  const effects: Effect[] = [];
  const timer = setTimeout(() => {
    running.abort(
      'timeout',
      new MagnaError('TIMEOUT', `Task ${task.id} exceeded its ${task.timeoutMs} ms time limit.`),
    );
  }, task.timeoutMs);
  try {
    const ctx: SkillContext = {
      get signal() {
        return attempt.signal;
      },
      get logger() {
        logger ??= taskLogger(deps, agent, task);
        return logger;
      },
      task: { id: task.id, attempt: task.attempt, missionId: task.missionId, skill: task.skill },
      upstream: task.dependsOn.length === 0 ? {} : await upstreamOf(deps.queue, task),
      agent: { name: agent.name, role: agent.role },
      principal: task.actor ?? agentPrincipal(agent.name),
      config: deps.config,
      artifacts: deps.artifacts,
      services: deps.services,
      get bus() {
        bus ??= deps.messaging(agent.name);
        return bus;
      },
      progress(fraction, message) {
        return deps.queue.progress(lease, task, fraction, message);
      },
      enqueue(spec) {
        const id = spec.id ?? newId('task');
        children.push({
          ...spec,
          id,
          parentId: task.id,
          missionId: spec.missionId ?? task.missionId ?? undefined,
          // A sub-task acts for the same submitter as its parent: no widening of access.
          ...(task.actor ? { actor: task.actor } : {}),
        });
        return id;
      },
      effect(kind, key, payload) {
        effects.push({ kind, key, payload });
      },
      emit(type, data) {
        deps.events.emit(type, data);
      },
      writeArtifact(name, content) {
        return deps.artifacts.write(task.missionId ?? task.id, name, content);
      },
    };
    const input = skill.input.parse(task.input);
    const raced = await attempt.race(skill.handler(input, ctx));
    const output = skill.output.safeParse(raced);
    if (!output.success) {
      throw new MagnaError(
        'QUEUE_OUTPUT_INVALID',
        `Skill ${skill.name} returned output that does not match its schema.`,
        {
          details: {
            issues: output.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        },
      );
    }
    const completion = { lease, output: output.data, effects, children };
    // A busy store costs no attempt: the completion is fenced by its lease, so it is retried.
    await retryUnavailable(
      () =>
        deps.complete
          ? deps.complete(completion)
          : deps.queue.complete(lease, output.data, effects, children),
      contention(deps, task),
    );
  } catch (error) {
    await settleFailure(deps, running, error, logger ?? taskLogger(deps, agent, task));
  } finally {
    clearTimeout(timer);
  }
}

function taskLogger(deps: RunnerDeps, agent: AgentDefinition, task: Task): Logger {
  return deps.logger.child({ taskId: task.id, skill: task.skill, attempt: task.attempt, agent: agent.name });
}

/**
 * The abort side of one attempt. The AbortController is made on the first read of the signal
 * (most short handlers never read it), and the race against the handler is settled through a
 * callback rather than a signal listener, so a handler that ignores its signal still loses the
 * race and a timeout or cancellation always settles.
 */
class AttemptAbort {
  private controller: AbortController | undefined;
  private aborted = false;
  private reason: unknown;
  private onAbort: ((reason: unknown) => void) | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.onAbort?.(reason);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.onAbort = reject;
      promise.then(resolve, reject);
    });
  }
}

async function settleFailure(
  deps: RunnerDeps,
  running: RunningTask,
  error: unknown,
  logger: Logger,
): Promise<void> {
  const { lease } = running;
  try {
    if (isMagnaError(error, 'QUEUE_LEASE_LOST') || running.abortCause === 'cancelled') {
      logger.info(
        { code: isMagnaError(error) ? error.code : 'CANCELLED' },
        'attempt no longer held; result discarded',
      );
      return;
    }
    if (running.abortCause === 'shutdown') {
      await retryUnavailable(() => deps.queue.release(lease), contention(deps, running.task));
      logger.info('released at shutdown');
      return;
    }
    const coded =
      running.abortCause === 'timeout'
        ? new MagnaError('TIMEOUT', 'the attempt timed out')
        : toMagnaError(error, 'QUEUE_HANDLER_FAILED');
    logger.warn({ err: error, code: coded.code }, 'attempt failed');
    await retryUnavailable(
      () => deps.queue.fail(lease, { code: coded.code, message: errorMessage(error, coded) }),
      contention(deps, running.task),
    );
  } catch (settleError) {
    if (isMagnaError(settleError, 'QUEUE_LEASE_LOST')) return;
    throw settleError;
  }
}

/**
 * How long a settlement keeps trying through a busy store: one lease. Past that the lease has
 * lapsed anyway and recovery owns the task.
 */
function contention(deps: RunnerDeps, task: Task): RetryOptions {
  return {
    maxMs: deps.config.queue.leaseMs,
    onRetry: (error, attempt, delayMs) =>
      deps.logger.debug(
        { taskId: task.id, attempt, delayMs, code: isMagnaError(error) ? error.code : undefined },
        'store busy; settlement retried',
      ),
  };
}

function errorMessage(error: unknown, coded: MagnaError): string {
  const message = error instanceof Error ? error.message : coded.message;
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}

async function upstreamOf(queue: TaskQueue, task: Task): Promise<Record<string, unknown>> {
  const upstream: Record<string, unknown> = {};
  for (const id of task.dependsOn) {
    const parent = await queue.get(id);
    if (parent) upstream[stepKeyOf(parent)] = parent.output;
  }
  return upstream;
}
