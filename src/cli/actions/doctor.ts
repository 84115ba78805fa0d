import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { MagnaError } from '../../core/errors.js';
import { checkHome } from '../../runtime/home.js';
import { databasePath } from '../../runtime/system.js';
import { CORRUPT_HINT, diagnoseDatabase } from '../../store/sqlite/integrity.js';
import { dialectOf } from '../../store/stores.js';
import { type GlobalOptions, output, systemOptions } from '../io.js';

export function doctor(_o: unknown, command: Command): void {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ overrides: systemOptions(opts).overrides ?? {} });
  if (dialectOf(config) !== 'sqlite') {
    throw new MagnaError(
      'STORE_UNSUPPORTED',
      'doctor checks the embedded SQLite database; for PostgreSQL use its own tools (amcheck, pg_checksums).',
    );
  }
  const path = databasePath(config);
  checkHome(config.home, path, { create: false });
  const report = diagnoseDatabase(path);
  output(opts, { database: path, ...report }, () =>
    report.ok
      ? `${path}: ok (integrity_check and foreign keys, ${report.bytes} bytes)`
      : [`${path}: damaged`, ...report.problems.map((p) => `  ${p}`), CORRUPT_HINT].join('\n'),
  );
  if (!report.ok) process.exitCode = new MagnaError('STORE_CORRUPT', '').exitCode;
}
