import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  const effects = program
    .command('effects')
    .description('The outbox: effects recorded by completed tasks, delivered to the configured sinks.');
  effects
    .command('list')
    .description('List effects, newest first, with when each was delivered.')
    .option('--pending', 'only effects not delivered yet (oldest first)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/effects.js'), 'list'));
  effects
    .command('retry')
    .description('Deliver an effect again (its key stays the same, so an idempotent receiver acts once).')
    .argument('<key>')
    .option('--json', 'print JSON')
    .action(lazyAction(() => import('../actions/effects.js'), 'retry'));
}
