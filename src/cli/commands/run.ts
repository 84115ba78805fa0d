import type { Command } from 'commander';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, output, parseIntOption, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';
import { runMission } from '../mission-runner.js';

interface RunOptions extends GlobalOptions {
  sources?: string[];
  namespace?: string;
  agents?: string[];
  detach?: boolean;
  timeout?: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Submit a mission for a goal, run it with an in-process node and show live progress.')
    .argument('<goal>', 'what to do, e.g. "research <topic>"')
    .option('--sources <urls-or-paths...>', 'web pages, sites or local files/folders the mission should use')
    .option('--namespace <ns>', 'knowledge-base namespace to read and write (org/team/project)')
    .option('--agents <modules...>', 'also host the agents (and templates) exported by these ES modules')
    .option('--detach', 'only submit; a running `magnatronic start` does the work')
    .option('--timeout <seconds>', 'give up waiting after this long (the mission keeps running)')
    .option('--json', 'print a machine-readable summary instead of progress')
    .addHelpText(
      'after',
      `
Examples:
  $ magnatronic run "research home batteries" --sources https://example.org/market ./notes
  $ magnatronic run "count words in README.md" --agents examples/word-count-agent.mjs --json`,
    )
    .action(async (goal: string, _opts, command: Command) => {
      const opts = command.optsWithGlobals<RunOptions>();
      const extra = await loadAgentModules(opts.agents);
      const system = await openSystem({ ...systemOptions(opts), ...extra });
      try {
        const missionOptions = {
          ...(opts.sources ? { sources: opts.sources } : {}),
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
        };
        if (opts.detach) {
          const mission = await system.missions.create(goal, missionOptions);
          output(
            opts,
            { missionId: mission.id, status: mission.status },
            () => `submitted mission ${mission.id}`,
          );
          return;
        }
        const timeoutMs = opts.timeout ? parseIntOption('timeout', opts.timeout) * 1000 : undefined;
        await runMission(system, goal, missionOptions, { ...opts, ...(timeoutMs ? { timeoutMs } : {}) });
      } finally {
        await system.close();
      }
    });
}
