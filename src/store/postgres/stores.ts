import type { Clock } from '../../core/clock.js';
import type { StoreAdmin } from '../admin-port.js';
import type { DatabaseConfig, StoreOptions, Stores } from '../stores.js';
import { PostgresStoreAdmin } from './admin.js';
import { PostgresAgentRegistry } from './agent-store.js';
import { createPool, redactUrl } from './connection.js';
import { PostgresMessageStore } from './message-store.js';
import { migratePostgres } from './migrate.js';
import { postgresMigrations } from './migrations/index.js';
import { PostgresMissionStore } from './mission-store.js';
import { PostgresQueueStore } from './queue-store.js';
import { PostgresSecurityStore } from './security-store.js';
import { PostgresWakeUp } from './wake-up.js';

export type PostgresStores = Omit<Stores, 'knowledge'>;

export async function openPostgresAdmin(
  config: DatabaseConfig,
): Promise<StoreAdmin & { close(): Promise<void> }> {
  const pool = createPool(config);
  const admin = new PostgresStoreAdmin(redactUrl(config.database.url ?? ''), pool);
  return Object.assign(admin, { close: () => pool.end() });
}

/**
 * Every PostgreSQL store on one pool, after bringing the schema up to date (under the migration
 * advisory lock, so processes starting together apply each migration once). `clock` times leases
 * in tests; without it the database server's clock does.
 */
export async function openPostgresStores(
  config: DatabaseConfig,
  options: StoreOptions & { clock?: Clock },
): Promise<PostgresStores> {
  const onError = (error: Error) => options.onError?.(error, 'postgres');
  const pool = createPool(config, onError);
  try {
    await migratePostgres(pool, postgresMigrations);
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Claims and heartbeats need no WAL flush (see PostgresQueueStore); a quarter of the pool, at least 2.
  const leases = createPool(config, onError, {
    asyncCommit: true,
    max: Math.max(2, Math.ceil(config.database.poolSize / 4)),
  });
  const wakeUp = new PostgresWakeUp(config, pool, onError);
  return {
    queue: new PostgresQueueStore(pool, options.clock, leases),
    missions: new PostgresMissionStore(pool),
    agents: new PostgresAgentRegistry(pool),
    messages: new PostgresMessageStore(pool, options.encryption),
    security: new PostgresSecurityStore(pool),
    admin: new PostgresStoreAdmin(redactUrl(config.database.url ?? ''), pool),
    wakeUp,
    async close() {
      await wakeUp.close();
      await leases.end();
      await pool.end();
    },
  };
}
