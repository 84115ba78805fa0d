import type { Command } from 'commander';
import { lazyAction } from '../lazy.js';

const DEMO_GOAL = 'research the home battery storage market';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the main job end to end on the embedded store: serve the bundled sample market-research site on 127.0.0.1 and run a research mission on it.',
    )
    .option('--goal <goal>', 'the research goal', DEMO_GOAL)
    .option('--port <port>', 'port for the sample site (default: a free one)')
    .option('--json', 'print a machine-readable summary instead of progress')
    .addHelpText(
      'after',
      `
The sample site (samples/market-site, sample data) is crawled for real over HTTP, obeying its
robots.txt. The report is written as Markdown and as one self-contained HTML file; open the HTML in
a browser as it is.`,
    )
    .action(lazyAction(() => import('../actions/demo.js'), 'demo'));
}
