import type { Command } from 'commander';
import { startApiServer } from '../../api/server.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, parseIntOption, systemOptions } from '../io.js';
import { claimStopSignals, stopRequested } from '../shutdown.js';

export async function server(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { host?: string; port?: string }>();
  const base = systemOptions(opts);
  const stop = claimStopSignals();
  const system = await openSystem({
    ...base,
    create: false,
    kind: 'server',
    overrides: { ...base.overrides, log: { level: (opts.logLevel as 'info') ?? 'info' } },
  });
  try {
    const api = await startApiServer(system, {
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.port !== undefined
        ? { port: parseIntOption('port', opts.port, { min: 0, max: 65_535 }) }
        : {}),
    });
    system.logger.info({ url: api.url, docs: `${api.url}/docs` }, 'API listening');
    const signal = await stopRequested(stop);
    // Not ready from now on; requests already in flight finish before the API closes.
    system.readiness.drain();
    system.logger.info({ signal }, 'draining');
    await api.close();
  } finally {
    await system.close();
  }
}
