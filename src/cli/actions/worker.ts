import type { Command } from 'commander';
import { builtinAgents } from '../../agents/builtin.js';
import { loadConfig } from '../../core/config.js';
import { MagnaError } from '../../core/errors.js';
import { createLogger } from '../../observability/logger.js';
import { type HealthServer, startHealthServer } from '../../runtime/health-server.js';
import type { AgentNode } from '../../runtime/node.js';
import { openSystem, type System } from '../../runtime/system.js';
import { type GlobalOptions, parseIntOption, systemOptions } from '../io.js';
import { loadAgentModules } from '../load-agents.js';
import { claimStopSignals, stopRequested } from '../shutdown.js';

/**
 * A worker: a node hosting the chosen agents, no API. Made for containers: configured from the
 * environment, logs as JSON lines to stdout when not on a terminal, health on its own port, and
 * SIGTERM drains (not ready at once, no new claims, in-flight tasks get the grace period, the
 * rest go back to the queue for another worker).
 */
export async function worker(_opts: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    GlobalOptions & { agents?: string; modules?: string[]; healthPort?: string }
  >();
  const stop = claimStopSignals();
  const base = systemOptions(opts);
  const healthPort =
    opts.healthPort === undefined ? undefined : parseIntOption('health-port', opts.healthPort);
  const overrides = {
    ...base.overrides,
    log: { level: (opts.logLevel as 'info') ?? 'info' },
    ...(healthPort === undefined ? {} : { node: { ...base.overrides?.node, healthPort } }),
  };
  const config = loadConfig({ overrides });
  const logger = createLogger(config);
  const agents = [...chooseBuiltins(opts.agents)];
  const extra = await loadAgentModules(opts.modules);
  agents.push(...extra.agents);
  if (agents.length === 0) throw new MagnaError('INVALID_ARGUMENT', 'A worker needs at least one agent.');
  let system: System | null = null;
  let node: AgentNode | null = null;
  let health: HealthServer | null = null;
  try {
    if (stop.aborted) return;
    system = await openSystem({
      ...base,
      config,
      logger,
      builtins: false,
      kind: 'worker',
      agents,
      templates: extra.templates,
    });
    if (config.node.healthPort !== undefined)
      health = await startHealthServer(system, {
        host: config.node.healthHost,
        port: config.node.healthPort,
      });
    if (stop.aborted) return;
    node = system.createNode();
    await node.start();
    system.registration?.refresh();
    logger.info(
      { nodeId: node.id, agents: agents.map((a) => a.name), health: health?.port ?? null },
      'worker started',
    );
    const signal = await stopRequested(stop);
    system.readiness.drain();
    logger.info({ signal, inFlight: node.inFlight, graceMs: config.node.shutdownGraceMs }, 'draining');
  } finally {
    await node?.stop();
    await health?.close();
    await system?.close();
    logger.info({ signal: stop.aborted ? String(stop.reason) : null }, 'worker stopped');
  }
}

function chooseBuiltins(names: string | undefined) {
  const all = builtinAgents();
  if (names === undefined) return all;
  const wanted = names
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  const unknown = wanted.filter((n) => !all.some((a) => a.name === n));
  if (unknown.length > 0)
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Unknown agent ${unknown.join(', ')}; built-in agents are ${all.map((a) => a.name).join(', ')}.`,
    );
  return all.filter((a) => wanted.includes(a.name));
}
