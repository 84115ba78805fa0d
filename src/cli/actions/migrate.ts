import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { openStoreAdmin } from '../../store/stores.js';
import { type GlobalOptions, output, systemOptions } from '../io.js';

/** Runs migrations without opening the stores, so it works before any process of a new version starts. */
export async function migrate(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ overrides: systemOptions(opts).overrides ?? {} });
  const admin = await openStoreAdmin(config);
  try {
    const report = await admin.migrate();
    output(opts, { dialect: admin.dialect, location: admin.location, ...report }, () =>
      report.applied.length === 0
        ? `${admin.location}: schema v${report.to}, up to date`
        : [
            `${admin.location}: schema v${report.from} → v${report.to}`,
            ...report.applied.map((m) => `  applied ${m.version} ${m.name}`),
          ].join('\n'),
    );
  } finally {
    await admin.close();
  }
}
