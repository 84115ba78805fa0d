import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'Bring the database schema up to date (SQLite home or MAGNA_DATABASE_URL); safe to run from several processes at once.',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/migrate.js'), 'migrate'));
}
