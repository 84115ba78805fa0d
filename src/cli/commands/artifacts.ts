import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('artifacts')
    .description(
      "List a mission's artifacts (with each one's manifest: kind, method, sources, SHA-256), or download one.",
    )
    .argument('<mission>', 'mission id')
    .argument('[name]', 'artifact to download (a path inside the mission folder)')
    .option('--out <file>', 'write the artifact here instead of standard output')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ magnatronic artifacts mis_01J… 
  $ magnatronic artifacts mis_01J… card.png --out card.png`,
    )
    .action(lazyAction(() => import('../actions/artifacts.js'), 'artifacts'));
}
