import type { Command } from 'commander';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';

export async function start(_opts: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { agents?: string[]; api: boolean }>();
  const extra = await loadAgentModules(opts.agents);
  const base = systemOptions(opts);
  const system = await openSystem({
    ...base,
    overrides: { ...base.overrides, log: { level: (opts.logLevel as 'info') ?? 'info' } },
    ...extra,
  });
  const node = system.createNode();
  await node.start();
  // Fastify and its plugins load only when the API is served (about 0.4 s of start-up).
  const api = opts.api ? await (await import('../../api/server.js')).startApiServer(system) : null;
  system.logger.info(
    {
      nodeId: node.id,
      agents: system.agentDefinitions.map((a) => a.name),
      home: system.config.home,
      api: api?.url,
    },
    'node started',
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      system.logger.info({ signal, inFlight: node.inFlight }, 'draining');
      void (async () => {
        await api?.close();
        await node.stop();
        await system.close();
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
