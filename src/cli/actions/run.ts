import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, output, parseIntOption, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';
import { runMission } from '../mission-runner.js';

interface RunOptions extends GlobalOptions {
  sources?: string[];
  namespace?: string;
  image?: string;
  creative?: string;
  agents?: string[];
  detach?: boolean;
  timeout?: string;
}

export async function run(goal: string, _opts: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<RunOptions>();
  const extra = await loadAgentModules(opts.agents);
  const system = await openSystem({ ...systemOptions(opts), kind: 'run', ...extra });
  try {
    const missionOptions = {
      ...(opts.sources ? { sources: opts.sources } : {}),
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      // The image is read by the node that runs the card step: pass it as an absolute path.
      ...(opts.image ? { image: resolve(opts.image) } : {}),
      ...(opts.creative ? { creative: opts.creative } : {}),
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
    const timeoutMs = opts.timeout ? parseIntOption('timeout', opts.timeout, { min: 1 }) * 1000 : undefined;
    await runMission(system, goal, missionOptions, { ...opts, ...(timeoutMs ? { timeoutMs } : {}) });
  } finally {
    await system.close();
  }
}
