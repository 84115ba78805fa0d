import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Summarise the store: tasks by state and skill, missions, agents.')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/status.js'), 'status'));
}
