import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { openStoreAdmin } from '../../store/stores.js';
import { auditCli } from '../cli-audit.js';
import { type GlobalOptions, output, systemOptions, withSystem } from '../io.js';

export async function restore(file: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { force?: boolean }>();
  const config = loadConfig({ overrides: systemOptions(opts).overrides ?? {} });
  const { home } = config;
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
