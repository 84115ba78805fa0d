import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';
import { queueContract } from './contract.js';

queueContract('sqlite', async () => {
  const db = openSqlite(':memory:');
  return {
    store: new SqliteQueueStore(db),
    close: async () => {
      db.close();
    },
  };
});
