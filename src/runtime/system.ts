import { join } from 'node:path';
import { ArtifactStore } from '../agents/artifacts.js';
import { builtinAgents, builtinTemplates } from '../agents/builtin.js';
import type { AgentDefinition, AgentMessaging } from '../agents/sdk.js';
import type { AgentServices } from '../agents/services.js';
import { MessageBus } from '../bus/bus.js';
import { EventBridge } from '../bus/event-bridge.js';
import { type ConfigInput, loadConfig, type MagnaConfig } from '../core/config.js';
import { EventHub } from '../core/events.js';
import { OpenAiEmbeddings } from '../knowledge/embeddings.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { MissionService } from '../orchestrator/missions.js';
import type { PlanTemplate } from '../orchestrator/plan.js';
import { Planner } from '../orchestrator/planner.js';
import type { EffectStore } from '../queue/effects-port.js';
import { SkillCatalog } from '../queue/skill-catalog.js';
import { TaskQueue } from '../queue/task-queue.js';
import { createEncryptor, type Encryptor } from '../security/encryption.js';
import { restrictToOwner, verifyKeyCheck } from '../security/key-check.js';
import { SecurityService } from '../security/service.js';
import type { StoreAdmin } from '../store/admin-port.js';
import { dialectOf, openStores } from '../store/stores.js';
import type { AgentRegistry } from './agent-registry.js';
import { openTransport } from './bus-transport.js';
import { checkHome, markHome } from './home.js';
import { type HomeProcess, type Registration, registerProcess } from './home-processes.js';
import { AgentNode } from './node.js';
import { Readiness } from './readiness.js';

/**
 * The composition root: the one place that picks adapters and wires services together.
 * CLI commands, the HTTP server and tests open a System and use its parts; nothing else
 * constructs stores or connections.
 */
export interface System {
  config: Readonly<MagnaConfig>;
  logger: Logger;
  events: EventHub;
  /** Status, backup, migrations and readiness of the configured database (SQLite or PostgreSQL). */
  admin: StoreAdmin;
  catalog: SkillCatalog;
  queue: TaskQueue;
  bus: MessageBus;
  artifacts: ArtifactStore;
  services: AgentServices;
  planner: Planner;
  missions: MissionService;
  agents: AgentRegistry;
  /** Encryption at rest (AES-256-GCM); passes values through when no key is configured. */
  encryption: Encryptor;
  /** API keys, session tokens and the audit log. */
  security: SecurityService;
  /** The shared knowledge base (same database file as the queue). */
  knowledge: KnowledgeBase;
  /** The agents a node of this system hosts: the built-in ones plus any given to openSystem. */
  agentDefinitions: AgentDefinition[];
  /** The outbox of effects, for the dispatcher and `magnatronic effects` (null on PostgreSQL). */
  effects: EffectStore | null;
  /** This process's registration in its embedded home (null on PostgreSQL). */
  registration: Registration | null;
  /** False once the process drains (SIGTERM): /readyz answers 503 from then on. */
  readiness: Readiness;
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
  /**
   * May this open make a new home (default true)? Read-only commands pass false and get
   * HOME_NOT_FOUND instead of an empty store in the wrong folder.
   */
  create?: boolean;
  /** What this process is, as `magnatronic nodes` shows it (start, server, run, a command). */
  kind?: string;
}

export function databasePath(config: Pick<MagnaConfig, 'home'>): string {
  return join(config.home, 'magnatronic.db');
}

export async function openSystem(options: OpenSystemOptions = {}): Promise<System> {
  const config = options.config ?? loadConfig({ overrides: options.overrides });
  const logger = options.logger ?? createLogger(config);
  const events = new EventHub();
  const encryption = createEncryptor(config.security);
  // An embedded home is checked before its database opens: never made by a read-only command,
  // never replaced by an empty store.
  const embedded = dialectOf(config) === 'sqlite';
  if (embedded) checkHome(config.home, databasePath(config), { create: options.create ?? true });
  const stores = await openStores(config, {
    encryption,
    onError: (error, context) => logger.warn({ err: error }, `store: ${context}`),
  });
  if (embedded) markHome(config.home, databasePath(config));
  // The database holds every record: owner read/write only (SQLite gives its -wal and -shm
  // files the database file's mode).
  if (embedded) restrictToOwner(databasePath(config));
  // A wrong encryption key stops the start here, before anything is served or written.
  if (embedded) {
    try {
      verifyKeyCheck(config.home, encryption);
    } catch (error) {
      await stores.close?.();
      throw error;
    }
  }
  const nodes: AgentNode[] = [];
  // Every process that opens an embedded home registers in it (restore and `nodes` read these).
  const registration = embedded
    ? registerProcess(config.home, databasePath(config), {
        kind: options.kind ?? 'library',
        sample: () => processSample(nodes),
      })
    : null;
  const catalog = new SkillCatalog();
  const queue = new TaskQueue(stores.queue, catalog, events, config.queue);
  const { wakeUp } = stores;
  // Ready work enqueued here wakes idle nodes of other processes (waiting tasks wake nobody yet).
  // With a cluster bus the task:queued event itself reaches them, and a received one is not re-sent.
  if (wakeUp && config.bus.url === undefined) {
    events.on('task:queued', (data) => {
      if (data.waitingOn === 0) wakeUp.notify([data.skill]);
    });
  }
  const artifacts = new ArtifactStore(join(config.home, 'artifacts'), encryption);
  // Embeddings are optional: on only when an endpoint and an embedding model are configured.
  const embeddings =
    config.llm.baseUrl && config.llm.embeddingModel
      ? new OpenAiEmbeddings({
          baseUrl: config.llm.baseUrl,
          model: config.llm.embeddingModel,
          timeoutMs: config.llm.timeoutMs,
          ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}),
        })
      : undefined;
  const knowledge = new KnowledgeBase(stores.knowledge, {
    events,
    logger,
    ...(embeddings ? { embeddings } : {}),
  });
  const services: AgentServices = { encryption, knowledge };
  const security = new SecurityService(stores.security, encryption, events, config.security);
  const closers: Array<() => Promise<void> | void> = [];
  // In process unless bus.url names NATS; durable messages and dead letters live in the database.
  const transport = await openTransport(config.bus, logger, `magnatronic-${process.pid}`);
  const bus = new MessageBus({
    transport,
    store: stores.messages,
    events,
    requestTimeoutMs: config.bus.requestTimeoutMs,
    recentSize: config.bus.recentSize,
    durableLeaseMs: config.bus.durableLeaseMs,
    onError: (error, context) => logger.warn({ err: error }, `bus: ${context}`),
  });
  closers.push(
    () => transport.close(),
    () => bus.close(),
  );
  // A cluster's processes share one event stream: missions, metrics, /events and wake-ups see all.
  if (config.bus.url !== undefined) {
    const bridge = new EventBridge(transport, events);
    await bridge.start();
    closers.push(() => bridge.stop());
  }
  const agentDefinitions = [
    ...(options.builtins === false ? [] : builtinAgents()),
    ...(options.agents ?? []),
  ];
  for (const agent of agentDefinitions) for (const skill of agent.skills) catalog.register(skill);
  const planner = new Planner([
    ...(options.templates ?? []),
    ...(options.builtins === false ? [] : builtinTemplates()),
  ]);
  const missions = new MissionService(stores.missions, queue, planner, artifacts, events);
  const agents = stores.agents;
  const messaging = (agentName: string): AgentMessaging => messagingOf(system, agentName);
  closers.push(async () => {
    for (const node of nodes) await node.stop();
  });
  const system: System = {
    config,
    logger,
    events,
    admin: stores.admin,
    catalog,
    queue,
    bus,
    artifacts,
    services,
    planner,
    missions,
    agents,
    encryption,
    security,
    knowledge,
    agentDefinitions,
    registration,
    readiness: new Readiness(),
    effects: stores.effects ?? null,
    createNode(nodeOptions = {}) {
      const node = new AgentNode(
        {
          queue,
          config,
          logger,
          artifacts,
          services,
          events,
          registry: agents,
          messaging,
          bus,
          ...(wakeUp ? { wakeUp } : {}),
        },
        nodeOptions.agents ?? agentDefinitions,
        {
          ...config.queue,
          shutdownGraceMs: config.node.shutdownGraceMs,
          ...(nodeOptions.nodeId ? { nodeId: nodeOptions.nodeId } : {}),
        },
      );
      nodes.push(node);
      return node;
    },
    async close() {
      for (const close of closers.reverse()) await close();
      // Mission refreshes started by this process's settlements finish before the store closes.
      await missions.drain();
      registration?.close();
      await stores.close();
    },
  };
  return system;
}

/** The bus facade an agent's handlers use; refuses clearly when no bus is configured. */
function messagingOf(system: System, agentName: string): AgentMessaging {
  return system.bus.messagingFor(agentName);
}

/** What the process registry records of this process's nodes: state, agents, load. */
function processSample(nodes: AgentNode[]): Partial<HomeProcess> {
  const live = nodes.filter((n) => n.state !== 'stopped');
  const first = live[0];
  const state: HomeProcess['state'] = !first
    ? nodes.length > 0
      ? 'stopped'
      : 'open'
    : live.some((n) => n.state === 'running')
      ? 'running'
      : first.state;
  return {
    state,
    agents: live.flatMap((n) => n.agentNames),
    load: live.reduce((sum, n) => sum + n.inFlight, 0),
  };
}
