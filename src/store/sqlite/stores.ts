import { join } from 'node:path';
import { MagnaError } from '../../core/errors.js';
import type { StoreAdmin } from '../admin-port.js';
import type { DatabaseConfig, StoreOptions, Stores } from '../stores.js';
import { SqliteStoreAdmin } from './admin.js';
import { SqliteAgentRegistry } from './agent-store.js';
import { openSqlite, type SqliteDatabase } from './database.js';
import { SqliteEffectStore } from './effect-store.js';
import { SqliteKnowledgeStore } from './knowledge-store.js';
import { LocalWakeUp } from './local-wake-up.js';
import { SqliteMessageStore } from './message-store.js';
import { SqliteMissionStore } from './mission-store.js';
import { SqliteQueueStore } from './queue-store.js';
import { SqliteSecurityStore } from './security-store.js';

export const DATABASE_FILENAME = 'magnatronic.db';

export function sqlitePath(config: Pick<DatabaseConfig, 'home'>): string {
  return join(config.home, DATABASE_FILENAME);
}

/** Open connections by their admin port, so tests can reach the file without a public handle. */
const connections = new WeakMap<StoreAdmin, SqliteDatabase>();

/** Every store on one better-sqlite3 connection to `<home>/magnatronic.db`. */
export async function openSqliteStores(config: DatabaseConfig, options: StoreOptions): Promise<Stores> {
  const path = sqlitePath(config);
  const db = openSqlite(path);
  const queue = new SqliteQueueStore(db);
  const admin = new SqliteStoreAdmin(path, db);
  connections.set(admin, db);
  // Processes on one home wake each other's idle nodes through Unix sockets in the home.
  const wakeUp = await LocalWakeUp.open(config.home);
  return {
    queue,
    missions: new SqliteMissionStore(db, queue),
    agents: new SqliteAgentRegistry(db),
    messages: new SqliteMessageStore(db, options.encryption),
    knowledge: new SqliteKnowledgeStore(db, options.encryption),
    security: new SqliteSecurityStore(db),
    effects: new SqliteEffectStore(db),
    admin,
    ...(wakeUp ? { wakeUp } : {}),
    async close() {
      connections.delete(admin);
      await wakeUp?.close();
      db.close();
    },
  };
}

/** The knowledge store alone on the home's database file (PostgreSQL mode keeps knowledge here). */
export function openSqliteKnowledge(
  config: DatabaseConfig,
  options: StoreOptions,
): { store: SqliteKnowledgeStore; close(): void } {
  const db = openSqlite(sqlitePath(config));
  return { store: new SqliteKnowledgeStore(db, options.encryption), close: () => db.close() };
}

export async function openSqliteAdmin(
  config: DatabaseConfig,
): Promise<StoreAdmin & { close(): Promise<void> }> {
  const admin = new SqliteStoreAdmin(sqlitePath(config));
  return Object.assign(admin, { close: async () => {} });
}

/**
 * The raw connection behind an open system's SQLite stores: for tests and benchmarks that inspect
 * the file itself (what is stored encrypted, what a migration wrote). Throws for other dialects.
 */
export function sqliteDatabaseOf(admin: StoreAdmin): SqliteDatabase {
  const db = connections.get(admin);
  if (!db)
    throw new MagnaError('INTERNAL', `Not an open SQLite store (${admin.dialect} at ${admin.location}).`);
  return db;
}
