import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('nodes')
    .description(
      'List the live processes of this home (pid, host, what they run, state, agents, load, last heartbeat), without the API or the database.',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/nodes.js'), 'nodes'));
}
