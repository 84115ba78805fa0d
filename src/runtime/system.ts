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
  close(): Promise<void>;
}

export interface OpenSystemOptions {
  config?: Readonly<MagnaConfig>;
  overrides?: ConfigInput;
  logger?: Logger;
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
  return {
    config,
    logger,
    events,
    db,
    catalog,
    queue,
    artifacts,
    services,
    async close() {
      for (const close of closers.reverse()) await close();
      db.close();
    },
  };
}
