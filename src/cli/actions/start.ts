import type { Command } from 'commander';
import type { StartedApi } from '../../api/server.js';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../observability/logger.js';
import { EffectDispatcher, sinksFromConfig } from '../../runtime/effect-dispatcher.js';
import type { AgentNode } from '../../runtime/node.js';
import { openSystem, type System } from '../../runtime/system.js';
import { type GlobalOptions, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';
import { claimStopSignals, stopRequested } from '../shutdown.js';

/**
 * Start-up runs in steps, each checked against the stop signal (claimed first of all, so a
 * SIGTERM during start-up stops what was started and exits 0). The API port is checked before
 * anything is registered in the home, and the API listens before the node claims work: a process
 * that cannot serve never stays behind as a worker.
 */
export async function start(_opts: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { agents?: string[]; api: boolean }>();
  const signals = claimStopSignals();
  // Stops on a signal or when the database is replaced under this process.
  const stopper = new AbortController();
  const stop = AbortSignal.any([signals, stopper.signal]);
  const abortStop = (reason: string) => stopper.abort(reason);
  let replaced: Error | null = null;
  const base = systemOptions(opts);
  const overrides = { ...base.overrides, log: { level: (opts.logLevel as 'info') ?? 'info' } };
  const config = loadConfig({ overrides });
  const logger = createLogger(config);
  logger.info({ home: config.home }, 'starting');
  if (opts.api) {
    const { ensurePortFree } = await import('../../api/port.js');
    await ensurePortFree(config.server.host, config.server.port);
  }
  const extra = await loadAgentModules(opts.agents);
  let system: System | null = null;
  let api: StartedApi | null = null;
  let node: AgentNode | null = null;
  let dispatcher: EffectDispatcher | null = null;
  let started = false;
  try {
    if (stop.aborted) return;
    system = await openSystem({ ...base, config, logger, kind: 'start', ...extra });
    // A restore or a copy over the database from elsewhere stops this process (STORE_REPLACED).
    void system.registration?.replaced.then((error) => {
      replaced = error;
      logger.error({ code: error.code }, error.message);
      abortStop(error.code);
    });
    if (stop.aborted) return;
    // Fastify and its plugins load only when the API is served (about 0.4 s of start-up).
    if (opts.api) api = await (await import('../../api/server.js')).startApiServer(system);
    if (stop.aborted) return;
    node = system.createNode();
    await node.start();
    system.registration?.refresh();
    // Outbox effects go to the configured sinks after their task commits (none configured: idle).
    if (system.effects) {
      dispatcher = new EffectDispatcher(
        system.effects,
        sinksFromConfig(config, system.bus),
        logger,
        config.effects.pollMs,
      );
      dispatcher.start();
    }
    if (stop.aborted) return;
    logger.info(
      {
        nodeId: node.id,
        agents: system.agentDefinitions.map((a) => a.name),
        home: config.home,
        api: api?.url,
      },
      'node started',
    );
    started = true;
    const signal = await stopRequested(stop);
    system.readiness.drain();
    logger.info({ signal, inFlight: node.inFlight }, 'draining');
    system.registration?.update({ state: 'draining' });
  } finally {
    // Reached on a stop signal, during start-up or after it, and on a failed start-up step.
    await api?.close();
    await node?.stop();
    await dispatcher?.stop();
    await system?.close();
    logger.info(
      { signal: stop.aborted ? String(stop.reason) : null },
      started ? 'stopped' : 'stopped during start-up',
    );
  }
  if (replaced) throw replaced;
}
