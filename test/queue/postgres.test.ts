import { afterAll, beforeAll } from 'vitest';
import { createPool } from '../../src/store/postgres/connection.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import { PostgresQueueStore } from '../../src/store/postgres/queue-store.js';
import { createTestDatabase, postgresConfig, type TestDatabase } from '../support/postgres.js';
import { queueContract } from './contract.js';
import { groupCommitContract } from './contract-group.js';
import type { StoreFactory } from './harness.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const factory: StoreFactory = async (clock) => {
  const pool = createPool(postgresConfig(await database.schema()));
  await migratePostgres(pool, postgresMigrations);
  return {
    store: new PostgresQueueStore(pool, clock),
    close: () => pool.end(),
  };
};

queueContract('postgres', factory);
groupCommitContract('postgres', factory);
