import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { Task, TaskState } from '../../queue/types.js';
import { TASK_STATES } from '../commands/tasks.js';
import { type GlobalOptions, output, parseIntOption, withSystem } from '../io.js';

export async function list(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    GlobalOptions & { state?: string; skill?: string; mission?: string; limit: string }
  >();
  if (opts.state && !(TASK_STATES as readonly string[]).includes(opts.state)) {
    throw new MagnaError('INVALID_ARGUMENT', `--state must be one of ${TASK_STATES.join(', ')}.`);
  }
  await withSystem(opts, async (system) => {
    const list = await system.queue.list({
      ...(opts.state ? { state: opts.state as TaskState } : {}),
      ...(opts.skill ? { skill: opts.skill } : {}),
      ...(opts.mission ? { missionId: opts.mission } : {}),
      limit: parseIntOption('limit', opts.limit, { min: 1 }),
    });
    output(opts, list, () => (list.length === 0 ? 'no tasks' : list.map(line).join('\n')));
  });
}

export async function show(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const task = await system.queue.require(id);
    output(opts, task, () => JSON.stringify(task, null, 2));
  });
}

export async function retry(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const task = await system.queue.redrive(id);
    output(opts, task, () => `task ${task.id} queued again`);
  });
}

export async function cancel(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { reason: string }>();
  await withSystem(opts, async (system) => {
    const task = await system.queue.cancel(id, opts.reason);
    output(opts, task, () => `task ${task.id} cancelled`);
  });
}

function line(task: Task): string {
  const error =
    task.lastError && task.state !== 'succeeded' ? `  ${task.lastError.code}: ${task.lastError.message}` : '';
  return `${task.id.padEnd(40)} ${task.skill.padEnd(22)} ${task.state.padEnd(9)} p${task.priority} attempt ${task.attempt}/${task.maxAttempts}${error}`;
}
