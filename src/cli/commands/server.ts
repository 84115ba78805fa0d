import type { Command } from 'commander';
import { startApiServer } from '../../api/server.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, parseIntOption, systemOptions } from '../io.js';

export function register(program: Command): void {
  program
    .command('server')
    .description('Serve the HTTP API alone, without hosting agents (Ctrl-C or SIGTERM stops).')
    .option('--host <host>', 'listen address (default server.host, 127.0.0.1)')
    .option('--port <port>', 'listen port (default server.port, 7070)')
    .action(async (_o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { host?: string; port?: string }>();
      const base = systemOptions(opts);
      const system = await openSystem({
        ...base,
        overrides: { ...base.overrides, log: { level: (opts.logLevel as 'info') ?? 'info' } },
      });
      try {
        const api = await startApiServer(system, {
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.port !== undefined ? { port: parseIntOption('port', opts.port) } : {}),
        });
        system.logger.info({ url: api.url, docs: `${api.url}/docs` }, 'API listening');
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
        await api.close();
      } finally {
        await system.close();
      }
    });
}
