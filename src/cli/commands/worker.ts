import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'Join a cluster as a worker: host agents, serve no API (config from MAGNA_* variables; SIGTERM drains within node.shutdownGraceMs).',
    )
    .option('--agents <names>', 'built-in agents to host, comma-separated (default: all)')
    .option('--modules <paths...>', 'also host the agents exported by these ES modules')
    .option('--health-port <port>', 'serve /healthz and /readyz on this port (default node.healthPort)')
    .action(lazyAction(() => import('../actions/worker.js'), 'worker'));
}
