import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('restore <file>')
    .description(
      'Restore a backup into the data directory after checking its checksums and schema version. Stop Magnatronic first.',
    )
    .option('--force', 'replace an existing database (it is moved aside to <home>/pre-restore-<time>/)')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/restore.js'), 'restore'));
}
