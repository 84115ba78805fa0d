import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';
import { queueContract } from './contract.js';
import { groupCommitContract } from './contract-group.js';
import type { StoreFactory } from './harness.js';

const factory: StoreFactory = async (clock) => {
  const db = openSqlite(':memory:');
  return {
    store: new SqliteQueueStore(db, clock),
    close: async () => {
      db.close();
    },
  };
};

queueContract('sqlite', factory);
groupCommitContract('sqlite', factory);
