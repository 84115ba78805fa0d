import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('agents')
    .description('List registered agents with their node, status and load.')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/agents.js'), 'agents'));
}
