import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export const TASK_STATES = ['waiting', 'queued', 'running', 'succeeded', 'dead', 'cancelled'] as const;

export function register(program: Command): void {
  const tasks = program.command('tasks').description('Inspect and steer tasks in the queue.');
  const load = () => import('../actions/tasks.js');

  tasks
    .command('list')
    .description('List tasks, oldest first.')
    .option('--state <state>', `only tasks in this state (${TASK_STATES.join(', ')})`)
    .option('--skill <skill>', 'only tasks of this skill')
    .option('--mission <id>', 'only tasks of this mission')
    .option('--limit <n>', 'at most this many (default 50)', '50')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'list'));

  tasks
    .command('show')
    .description('Show one task with its input, output and last error.')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'show'));

  tasks
    .command('retry')
    .description('Redrive a dead or cancelled task: queue it again with a fresh attempt count.')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'retry'));

  tasks
    .command('cancel')
    .description('Cancel a waiting, queued or running task (a running handler sees its AbortSignal fire).')
    .argument('<id>')
    .option('--reason <text>', 'why, recorded on the task', 'cancelled from the CLI')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'cancel'));
}
