import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { MissionView } from '../../orchestrator/missions.js';
import { openSystem, type System } from '../../runtime/system.js';
import { type GlobalOptions, output, parseIntOption, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';
import { ProgressView } from '../progress.js';

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
  $ magnatronic run "research electric bikes" --sources https://example.org/market ./notes
  $ magnatronic run "count words in README.md" --agents examples/word-count-agent.mjs --json`,
    )
    .action(async (goal: string, _opts, command: Command) => {
      const opts = command.optsWithGlobals<RunOptions>();
      const extra = await loadAgentModules(opts.agents);
      const system = await openSystem({ ...systemOptions(opts), ...extra });
      try {
        const options = {
          ...(opts.sources ? { sources: opts.sources } : {}),
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
        };
        const mission = await system.missions.create(goal, options);
        if (opts.detach) {
          output(opts, { missionId: mission.id, status: mission.status }, () => `submitted mission ${mission.id}`);
          return;
        }
        const node = system.createNode();
        await node.start();
        const timeoutMs = opts.timeout ? parseIntOption('timeout', opts.timeout) * 1000 : undefined;
        const view = await follow(system, mission.id, opts.json ? null : new ProgressView(process.stderr), timeoutMs);
        await node.stop();
        const results = await system.missions.results(mission.id);
        const summary = {
          missionId: view.id,
          goal: view.goal,
          status: view.status,
          tasks: view.tasks.map((t) => ({ id: t.id, step: t.step, skill: t.skill, state: t.state, attempt: t.attempt, error: t.lastError })),
          artifacts: results.artifacts,
          results: Object.fromEntries(Object.entries(results.steps).map(([k, v]) => [k, v.output])),
        };
        output(opts, summary, () => describe(summary));
        if (view.status === 'running') throw new MagnaError('TIMEOUT', `Stopped waiting for mission ${view.id}; it is still running.`);
        if (view.status !== 'succeeded') process.exitCode = new MagnaError('MISSION_FAILED', '').exitCode;
      } finally {
        await system.close();
      }
    });
}

async function follow(system: System, missionId: string, view: ProgressView | null, timeoutMs?: number): Promise<MissionView> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  let current = await system.missions.get(missionId);
  // Local events redraw at once; the poll catches work done by other processes.
  let changed: (() => void) | null = null;
  const off = system.events.onAny((event) => {
    if ('missionId' in event.data && event.data.missionId === missionId) changed?.();
  });
  try {
    while (true) {
      current = await system.missions.get(missionId);
      view?.update(current);
      if (current.status !== 'running' || Date.now() > deadline) return current;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        changed = () => {
          clearTimeout(timer);
          changed = null;
          setTimeout(resolve, 30);
        };
      });
    }
  } finally {
    off();
  }
}

function describe(summary: { missionId: string; status: string; artifacts: string[]; tasks: Array<{ state: string }> }): string {
  const lines = [`mission ${summary.missionId} ${summary.status} (${summary.tasks.filter((t) => t.state === 'succeeded').length}/${summary.tasks.length} tasks succeeded)`];
  if (summary.artifacts.length > 0) {
    lines.push('results:');
    for (const path of summary.artifacts) lines.push(`  ${path}`);
  }
  return lines.join('\n');
}
