import type { Command } from 'commander';
import { startApiServer } from '../../api/server.js';
import { openSystem } from '../../runtime/system.js';
import { type GlobalOptions, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'Run a node with the built-in agents in the foreground on the embedded store (Ctrl-C or SIGTERM drains and stops).',
    )
    .option('--agents <modules...>', 'also host the agents exported by these ES modules')
    .option('--no-api', 'do not serve the HTTP API beside the agents')
    .action(async (_opts, command: Command) => {
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
      const api = opts.api ? await startApiServer(system) : null;
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
    });
}
