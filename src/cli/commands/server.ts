import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('server')
    .description('Serve the HTTP API alone, without hosting agents (Ctrl-C or SIGTERM stops).')
    .option('--host <host>', 'listen address (default server.host, 127.0.0.1)')
    .option('--port <port>', 'listen port (default server.port, 7070)')
    .action(lazyAction(() => import('../actions/server.js'), 'server'));
}
