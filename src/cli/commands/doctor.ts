import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      "Check the home's database end to end (integrity_check and foreign keys), read-only; safe beside running nodes.",
    )
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/doctor.js'), 'doctor'));
}
