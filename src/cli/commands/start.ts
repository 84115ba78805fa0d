import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'Run a node with the built-in agents in the foreground on the embedded store (Ctrl-C or SIGTERM drains and stops).',
    )
    .option('--agents <modules...>', 'also host the agents exported by these ES modules')
    .option('--no-api', 'do not serve the HTTP API beside the agents')
    .action(lazyAction(() => import('../actions/start.js'), 'start'));
}
