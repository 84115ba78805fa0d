import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { checkHome } from '../../runtime/home.js';
import { liveProcesses } from '../../runtime/home-processes.js';
import { databasePath } from '../../runtime/system.js';
import { type GlobalOptions, output, systemOptions } from '../io.js';

/** Reads the home's process registry only: it answers while the database is busy, damaged or being restored. */
export function nodes(_o: unknown, command: Command): void {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ overrides: systemOptions(opts).overrides ?? {} });
  checkHome(config.home, databasePath(config), { create: false });
  const now = Date.now();
  const live = liveProcesses(config.home, now).filter((p) => p.pid !== process.pid);
  output(opts, live, () =>
    live.length === 0
      ? `no live process holds ${config.home}`
      : live
          .map(
            (p) =>
              `pid ${String(p.pid).padEnd(8)} ${p.host.padEnd(16)} ${p.kind.padEnd(7)} ${p.state.padEnd(9)} load ${String(p.load).padEnd(4)} heartbeat ${((now - p.heartbeatAt) / 1000).toFixed(1)} s ago  ${p.agents.join(', ') || '-'}`,
          )
          .join('\n'),
  );
}
