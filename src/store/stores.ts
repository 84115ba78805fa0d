import type { MessageStore } from '../bus/message-store.js';
import type { MagnaConfig } from '../core/config.js';
import type { KnowledgeStore } from '../knowledge/store-port.js';
import type { MissionStore } from '../orchestrator/types.js';
import type { EffectStore } from '../queue/effects-port.js';
import type { QueueStore } from '../queue/store-port.js';
import type { WakeUp } from '../queue/wake-up.js';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import type { Encryptor } from '../security/encryption.js';
import type { SecurityStore } from '../security/store-port.js';
import type { StoreAdmin } from './admin-port.js';

/**
 * Every store of a system, built by one dialect on one connection (SQLite) or one pool
 * (PostgreSQL). The composition root (runtime/system.ts) picks the dialect with openStores and
 * hands each service its port; nothing else constructs an adapter.
 */
export interface Stores {
  queue: QueueStore;
  missions: MissionStore;
  agents: AgentRegistry;
  messages: MessageStore;
  knowledge: KnowledgeStore;
  security: SecurityStore;
  admin: StoreAdmin;
  /** The outbox as the effect dispatcher reads it (embedded SQLite; PostgreSQL has none yet). */
  effects?: EffectStore;
  /**
   * The dialect's own cross-process wake-up, when it has one (PostgreSQL: LISTEN/NOTIFY on the
   * database; SQLite: Unix sockets in the home, src/store/sqlite/local-wake-up.ts).
   */
  wakeUp?: WakeUp;
  close(): Promise<void>;
}

export interface StoreOptions {
  encryption: Encryptor;
  /** Connection trouble the stores recover from by themselves (a dropped idle connection). */
  onError?: (error: Error, context: string) => void;
}

export type DatabaseConfig = Pick<MagnaConfig, 'home' | 'database'>;

/** The dialect the config names: PostgreSQL when a postgres:// URL is set, else embedded SQLite. */
export function dialectOf(config: DatabaseConfig): 'sqlite' | 'postgres' {
  return config.database.url ? 'postgres' : 'sqlite';
}

/** Opens every store on the configured database, bringing its schema up to date. */
export async function openStores(config: DatabaseConfig, options: StoreOptions): Promise<Stores> {
  const { openSqliteStores, openSqliteKnowledge } = await import('./sqlite/stores.js');
  if (dialectOf(config) === 'postgres') {
    // Loaded on demand, so embedded mode never loads the PostgreSQL driver.
    const { openPostgresStores } = await import('./postgres/stores.js');
    const stores = await openPostgresStores(config, options);
    // The knowledge base has no PostgreSQL adapter yet: it stays in the home's SQLite file, so
    // processes sharing a home share it, and processes on other hosts do not (docs/scaling.md).
    const knowledge = openSqliteKnowledge(config, options);
    return {
      ...stores,
      knowledge: knowledge.store,
      async close() {
        await stores.close();
        knowledge.close();
      },
    };
  }
  return openSqliteStores(config, options);
}

/**
 * The admin port alone, without opening the stores: for restore (the database must not be open)
 * and migrate (which must run before any store prepares statements against the new schema).
 */
export async function openStoreAdmin(
  config: DatabaseConfig,
): Promise<StoreAdmin & { close(): Promise<void> }> {
  if (dialectOf(config) === 'postgres') {
    const { openPostgresAdmin } = await import('./postgres/stores.js');
    return openPostgresAdmin(config);
  }
  const { openSqliteAdmin } = await import('./sqlite/stores.js');
  return openSqliteAdmin(config);
}
