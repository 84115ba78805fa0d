import { afterAll } from 'vitest';
import { PostgresAgentRegistry } from '../../src/store/postgres/agent-store.js';
import { createPool } from '../../src/store/postgres/connection.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import { PostgresMissionStore } from '../../src/store/postgres/mission-store.js';
import { PostgresQueueStore } from '../../src/store/postgres/queue-store.js';
import { PostgresSecurityStore } from '../../src/store/postgres/security-store.js';
import { SqliteAgentRegistry } from '../../src/store/sqlite/agent-store.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteMissionStore } from '../../src/store/sqlite/mission-store.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';
import { SqliteSecurityStore } from '../../src/store/sqlite/security-store.js';
import { createTestDatabase, postgresConfig, type TestDatabase } from '../support/postgres.js';
import { storeContracts } from './store-contracts.js';

storeContracts('sqlite', async () => {
  const db = openSqlite(':memory:');
  const queue = new SqliteQueueStore(db);
  return {
    queue,
    missions: new SqliteMissionStore(db, queue),
    agents: new SqliteAgentRegistry(db),
    security: new SqliteSecurityStore(db),
    close: async () => {
      db.close();
    },
  };
});

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

storeContracts('postgres', async () => {
  database ??= await createTestDatabase();
  const pool = createPool(postgresConfig(await database.schema()));
  await migratePostgres(pool, postgresMigrations);
  return {
    queue: new PostgresQueueStore(pool),
    missions: new PostgresMissionStore(pool),
    agents: new PostgresAgentRegistry(pool),
    security: new PostgresSecurityStore(pool),
    close: () => pool.end(),
  };
});
