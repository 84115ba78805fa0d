import type { Command } from 'commander';
import { startSampleSite } from '../../research/sample-site.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, parseIntOption, systemOptions } from '../io.js';
import { runMission } from '../mission-runner.js';

const DEMO_GOAL = 'research the home battery storage market';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the main job end to end on the embedded store: serve the bundled sample market-research site on 127.0.0.1 and run a research mission on it.',
    )
    .option('--goal <goal>', 'the research goal', DEMO_GOAL)
    .option('--port <port>', 'port for the sample site (default: a free one)', '0')
    .option('--json', 'print a machine-readable summary instead of progress')
    .addHelpText(
      'after',
      `
The sample site (samples/market-site, sample data) is crawled for real over HTTP, obeying its
robots.txt. The report is written as Markdown and as one self-contained HTML file; open the HTML in
a browser as it is.`,
    )
    .action(async (_o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { goal: string; port: string }>();
      const site = await startSampleSite({ port: parseIntOption('port', opts.port) });
      const system = await openSystem(systemOptions(opts));
      try {
        if (!opts.json) process.stderr.write(`sample site serving at ${site.url}\n`);
        const summary = await runMission(system, opts.goal, { sources: [site.url] }, opts);
        const html = summary.artifacts.find((path) => path.endsWith('.html'));
        if (!opts.json && html) process.stdout.write(`\nopen the report in a browser: file://${html}\n`);
      } finally {
        await system.close();
        await site.close();
      }
    });
}
