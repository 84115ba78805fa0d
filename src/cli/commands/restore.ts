import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('restore <file>')
    .description(
      'Restore a backup into the data directory after checking its checksums and schema version. Refused while a live process holds the home (see `magnatronic nodes`).',
    )
    .option('--force', 'replace an existing database (it is moved aside to <home>/pre-restore-<time>/)')
    .option(
      '--stop-processes',
      'send SIGTERM to the live processes of this home (same host) and restore once they have drained',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/restore.js'), 'restore'));
}
