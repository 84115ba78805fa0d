import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { MagnaError } from '../../core/errors.js';
import { openStoreAdmin } from '../../store/stores.js';
import { auditCli } from '../cli-audit.js';
import { ensureNoLiveProcess } from '../home-owners.js';
import { type GlobalOptions, output, systemOptions, withSystem } from '../io.js';

export async function restore(file: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { force?: boolean; stopProcesses?: boolean }>();
  const config = loadConfig({ overrides: systemOptions(opts).overrides ?? {} });
  const { home } = config;
  if (!existsSync(resolve(file)))
    throw new MagnaError('NOT_FOUND', `No backup at ${resolve(file)}.`, { details: { file: resolve(file) } });
  // Restoring under a live process splits the data: it keeps writing the moved-aside file.
  await ensureNoLiveProcess(home, {
    stop: opts.stopProcesses === true,
    timeoutMs: config.node.shutdownGraceMs + 30_000,
  });
  const admin = await openStoreAdmin(config);
  const manifest = await admin
    .restore(resolve(file), { home, force: opts.force === true })
    .finally(() => admin.close());
  await withSystem(opts, (system) =>
    auditCli(system, 'backup.restore', resolve(file), 'ok', { schemaVersion: manifest.schemaVersion }),
  );
  output(opts, { home, ...manifest }, () =>
    [
      `restored schema ${manifest.schemaVersion} and ${manifest.files.length - 1} artifact files into ${home}`,
      ...(manifest.movedAside ? [`the previous database was moved to ${manifest.movedAside}`] : []),
    ].join('\n'),
  );
}
