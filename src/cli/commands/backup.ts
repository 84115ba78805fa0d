import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('backup <file>')
    .description(
      'Write an online, consistent backup (database and artifacts) with checksums, while Magnatronic runs.',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/backup.js'), 'backup'));
}
