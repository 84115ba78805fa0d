import type { Command } from 'commander';
import { startSampleSite } from '../../research/sample-site.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, parseIntOption, systemOptions } from '../io.js';
import { runMission } from '../mission-runner.js';

export async function demo(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { goal: string; port?: string }>();
  const site = await startSampleSite({
    port: parseIntOption('port', opts.port ?? '0', { min: 0, max: 65_535 }),
  });
  const system = await openSystem({ ...systemOptions(opts), kind: 'demo' });
  try {
    if (!opts.json) process.stderr.write(`sample site serving at ${site.url}\n`);
    // Ends, like `run`, with the report to open (printed by runMission).
    await runMission(system, opts.goal, { sources: [site.url] }, opts);
  } finally {
    await system.close();
    await site.close();
  }
}
