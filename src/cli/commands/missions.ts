import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export const MISSION_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

export function register(program: Command): void {
  const missions = program
    .command('missions')
    .description('List, inspect and cancel missions; find their reports.');
  const load = () => import('../actions/missions.js');

  missions
    .command('list')
    .description('List missions, newest first.')
    .option('--status <status>', `only missions in this status (${MISSION_STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'list'));

  missions
    .command('show')
    .description('Show one mission: its goal, status, progress and each task.')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'show'));

  missions
    .command('cancel')
    .description('Cancel a running mission: its unfinished tasks are cancelled.')
    .argument('<id>')
    .option('--reason <text>', 'why, recorded on its tasks', 'cancelled from the CLI')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'cancel'));

  missions
    .command('report')
    .description("Print the paths of a mission's report and other artifacts.")
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'report'));
}
