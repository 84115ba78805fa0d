import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  const audit = program.command('audit').description('Read and verify the tamper-evident audit log.');
  const load = () => import('../actions/audit.js');

  audit
    .command('list')
    .description('Audit records, newest first.')
    .option('--limit <n>', 'how many', '50')
    .option('--before <seq>', 'only records older than this sequence number')
    .option('--actor <actor>', 'only this actor, e.g. key:key_01...')
    .option('--action <action>', 'only this action, e.g. missions.create')
    .option('--outcome <outcome>', 'ok, failed, denied, auth-failed or rate-limited')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'list'));

  audit
    .command('verify')
    .description(
      'Check the hash chain from the first record; exits non-zero naming the first altered record.',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'verify'));
}
