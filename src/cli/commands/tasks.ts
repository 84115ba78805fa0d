import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { Task, TaskState } from '../../queue/types.js';
import { type GlobalOptions, output, parseIntOption, withSystem } from '../io.js';

const STATES: TaskState[] = ['waiting', 'queued', 'running', 'succeeded', 'dead', 'cancelled'];

export function register(program: Command): void {
  const tasks = program.command('tasks').description('Inspect and steer tasks in the queue.');

  tasks
    .command('list')
    .description('List tasks, oldest first.')
    .option('--state <state>', `only tasks in this state (${STATES.join(', ')})`)
    .option('--skill <skill>', 'only tasks of this skill')
    .option('--mission <id>', 'only tasks of this mission')
    .option('--limit <n>', 'at most this many (default 50)', '50')
    .option('--json', 'print JSON')
    .action(async (_o, command: Command) => {
      const opts = command.optsWithGlobals<
        GlobalOptions & { state?: string; skill?: string; mission?: string; limit: string }
      >();
      if (opts.state && !STATES.includes(opts.state as TaskState)) {
        throw new MagnaError('INVALID_ARGUMENT', `--state must be one of ${STATES.join(', ')}.`);
      }
      await withSystem(opts, async (system) => {
        const list = await system.queue.list({
          ...(opts.state ? { state: opts.state as TaskState } : {}),
          ...(opts.skill ? { skill: opts.skill } : {}),
          ...(opts.mission ? { missionId: opts.mission } : {}),
          limit: parseIntOption('limit', opts.limit),
        });
        output(opts, list, () => (list.length === 0 ? 'no tasks' : list.map(line).join('\n')));
      });
    });

  tasks
    .command('show')
    .description('Show one task with its input, output and last error.')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions>();
      await withSystem(opts, async (system) => {
        const task = await system.queue.require(id);
        output(opts, task, () => JSON.stringify(task, null, 2));
      });
    });

  tasks
    .command('retry')
    .description('Redrive a dead or cancelled task: queue it again with a fresh attempt count.')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions>();
      await withSystem(opts, async (system) => {
        const task = await system.queue.redrive(id);
        output(opts, task, () => `task ${task.id} queued again`);
      });
    });

  tasks
    .command('cancel')
    .description('Cancel a waiting, queued or running task (a running handler sees its AbortSignal fire).')
    .argument('<id>')
    .option('--reason <text>', 'why, recorded on the task', 'cancelled from the CLI')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { reason: string }>();
      await withSystem(opts, async (system) => {
        const task = await system.queue.cancel(id, opts.reason);
        output(opts, task, () => `task ${task.id} cancelled`);
      });
    });
}

function line(task: Task): string {
  const error =
    task.lastError && task.state !== 'succeeded' ? `  ${task.lastError.code}: ${task.lastError.message}` : '';
  return `${task.id.padEnd(40)} ${task.skill.padEnd(22)} ${task.state.padEnd(9)} p${task.priority} attempt ${task.attempt}/${task.maxAttempts}${error}`;
}
