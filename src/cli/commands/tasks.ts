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
    .option('--limit <n>', 'at most this many', '50')
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

  tasks
    .command('submit')
    .description('Queue a task for a skill, or many from a JSON Lines file (one task per line).')
    .argument('[skill]', 'the skill to run, e.g. knowledge.query')
    .option('--input <json>', 'the task input as JSON (default {})')
    .option('--priority <n>', '0 (lowest) to 9 (highest); 5 when not given')
    .option('--max-attempts <n>', 'attempts before the task is dead-lettered')
    .option(
      '--idempotency-key <key>',
      'while a task with this key is unfinished, submitting again returns it',
    )
    .option('--tag <tags...>', 'labels to find the task by later (GET /tasks?tag=)')
    .option('--file <path>', 'JSON Lines, one task per line as POST /tasks takes it; - reads stdin')
    .option('--agents <modules...>', 'also accept the skills of the agents these ES modules export')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Every line is checked before anything is queued: a bad line queues nothing.

Examples:
  $ magnatronic tasks submit knowledge.query --input '{"query":"battery prices"}' --priority 7
  $ magnatronic tasks submit --file tasks.jsonl
      where each line is e.g. {"skill":"knowledge.query","input":{"query":"x"},"idempotencyKey":"q-1"}`,
    )
    .action(lazyAction(() => import('../actions/tasks-submit.js'), 'submit'));
}
