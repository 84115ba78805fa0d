import { join } from 'node:path';
import { type ConfigInput, loadConfig, type MagnaConfig } from '../core/config.js';
import { EventHub } from '../core/events.js';
import { ArtifactStore } from '../agents/artifacts.js';
import type { AgentServices } from '../agents/services.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { SkillCatalog } from '../queue/skill-catalog.js';
import { TaskQueue } from '../queue/task-queue.js';
import { openSqlite, type SqliteDatabase } from '../store/sqlite/database.js';
import { SqliteQueueStore } from '../store/sqlite/queue-store.js';
import type { AgentDefinition, AgentMessaging } from '../agents/sdk.js';
import { builtinAgents, builtinTemplates } from '../agents/builtin.js';
import { MagnaError } from '../core/errors.js';
import { MissionService } from '../orchestrator/missions.js';
import type { PlanTemplate } from '../orchestrator/plan.js';
import { Planner } from '../orchestrator/planner.js';
import { SqliteAgentRegistry } from '../store/sqlite/agent-store.js';
import { SqliteMissionStore } from '../store/sqlite/mission-store.js';
import type { AgentRegistry } from './agent-registry.js';
import { AgentNode } from './node.js';

/**
 * The composition root: the one place that picks adapters and wires services together.
 * CLI commands, the HTTP server and tests open a System and use its parts; nothing else
 * constructs stores or connections.
 */
export interface System {
  config: Readonly<MagnaConfig>;
  logger: Logger;
  events: EventHub;
  db: SqliteDatabase;
  catalog: SkillCatalog;
  queue: TaskQueue;
  artifacts: ArtifactStore;
  services: AgentServices;
  planner: Planner;
  missions: MissionService;
  agents: AgentRegistry;
  /** The agents a node of this system hosts: the built-in ones plus any given to openSystem. */
  agentDefinitions: AgentDefinition[];
  /** A node hosting the given agents (default: agentDefinitions); call start() to run it. */
  createNode(options?: { agents?: AgentDefinition[]; nodeId?: string }): AgentNode;
  close(): Promise<void>;
}

export interface OpenSystemOptions {
  config?: Readonly<MagnaConfig>;
  overrides?: ConfigInput;
  logger?: Logger;
  /** Extra agents (custom or test agents) hosted beside the built-in ones. */
  agents?: AgentDefinition[];
  /** Extra plan templates, tried before the built-in ones. */
  templates?: PlanTemplate[];
  /** Leave out the built-in agents (tests of the runtime itself). */
  builtins?: boolean;
}

export function databasePath(config: Pick<MagnaConfig, 'home'>): string {
  return join(config.home, 'magnatronic.db');
}

export async function openSystem(options: OpenSystemOptions = {}): Promise<System> {
  const config = options.config ?? loadConfig({ overrides: options.overrides });
  const logger = options.logger ?? createLogger(config);
  const events = new EventHub();
  const db = openSqlite(databasePath(config));
  const catalog = new SkillCatalog();
  const queue = new TaskQueue(new SqliteQueueStore(db), catalog, events, config.queue);
  const artifacts = new ArtifactStore(join(config.home, 'artifacts'));
  const services: AgentServices = {};
  const closers: Array<() => Promise<void> | void> = [];
  const agentDefinitions = [...(options.builtins === false ? [] : builtinAgents()), ...(options.agents ?? [])];
  for (const agent of agentDefinitions) for (const skill of agent.skills) catalog.register(skill);
  const planner = new Planner([...(options.templates ?? []), ...(options.builtins === false ? [] : builtinTemplates())]);
  const missions = new MissionService(new SqliteMissionStore(db), queue, planner, artifacts, events);
  const agents = new SqliteAgentRegistry(db);
  const messaging = (agentName: string): AgentMessaging => messagingOf(system, agentName);
  const nodes: AgentNode[] = [];
  closers.push(async () => {
    for (const node of nodes) await node.stop();
  });
  const system: System = {
    config,
    logger,
    events,
    db,
    catalog,
    queue,
    artifacts,
    services,
    planner,
    missions,
    agents,
    agentDefinitions,
    createNode(nodeOptions = {}) {
      const node = new AgentNode(
        { queue, config, logger, artifacts, services, events, registry: agents, messaging },
        nodeOptions.agents ?? agentDefinitions,
        { ...config.queue, shutdownGraceMs: config.node.shutdownGraceMs, ...(nodeOptions.nodeId ? { nodeId: nodeOptions.nodeId } : {}) },
      );
      nodes.push(node);
      return node;
    },
    async close() {
      for (const close of closers.reverse()) await close();
      db.close();
    },
  };
  return system;
}

/** The bus facade an agent's handlers use; refuses clearly when no bus is configured. */
function messagingOf(system: System, agentName: string): AgentMessaging {
  const bus = (system as { bus?: { messagingFor(name: string): AgentMessaging } }).bus;
  if (bus) return bus.messagingFor(agentName);
  const unavailable = async (): Promise<never> => {
    throw new MagnaError('UNAVAILABLE', 'No message bus is configured in this process.');
  };
  return { send: unavailable, request: unavailable, publish: unavailable };
}
