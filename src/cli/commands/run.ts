import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('Submit a mission for a goal, run it with an in-process node and show live progress.')
    .argument('<goal>', 'what to do, e.g. "research <topic>"')
    .option('--sources <urls-or-paths...>', 'web pages, sites or local files/folders the mission should use')
    .option('--namespace <ns>', 'knowledge-base namespace to read and write (org/team/project)')
    .option('--image <file>', 'image for a social card ("card <title>", "brief <topic>")')
    .option(
      '--creative <format>',
      'end a research mission with cited content and a social card (brief, article, faq, ...)',
    )
    .option('--agents <modules...>', 'also host the agents (and templates) exported by these ES modules')
    .option('--detach', 'only submit; a running `magnatronic start` does the work')
    .option('--timeout <seconds>', 'give up waiting after this long (the mission keeps running)')
    .option('--json', 'print a machine-readable summary instead of progress')
    .addHelpText(
      'after',
      `
Examples:
  $ magnatronic run "research home batteries" --sources https://example.org/market ./notes
  $ magnatronic run "brief home batteries" --sources https://example.org/market
  $ magnatronic run "ideas reaching small installers" --namespace acme/market
  $ magnatronic run "card Battery storage in 2026" --image ./photo.jpg
  $ magnatronic run "count words in README.md" --agents examples/word-count-agent.mjs --json`,
    )
    .action(lazyAction(() => import('../actions/run.js'), 'run'));
}
