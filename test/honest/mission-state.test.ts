import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../src/runtime/system.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteMissionStore } from '../../src/store/sqlite/mission-store.js';
import { cli } from '../support/cli.js';
import { testSystem } from '../support/system.js';

/** Each CLI run starts Node with the TypeScript loader: seconds apiece on a loaded 2-core box. */
const CLI_TIMEOUT_MS = 180_000;

describe('a mission follows its tasks, whichever process settled them', () => {
  let system: Awaited<ReturnType<typeof testSystem>> | undefined;
  afterEach(async () => {
    await system?.dispose();
    system = undefined;
  }, CLI_TIMEOUT_MS);

  it(
    'is cancelled when the CLI cancels its tasks from a second process',
    async () => {
      system = await testSystem({ builtins: true });
      const mission = await system.missions.create('research home batteries', { sources: ['./nowhere'] });
      // No node runs here: the plan's tasks wait until the second process cancels the first step,
      // which cancels its dependants with it.
      const run = cli(['--home', system.home, 'tasks', 'cancel', `${mission.id}.collect`], {
        cwd: system.home,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);

      // The cancelling process froze the mission before it exited: read the row as stored.
      const db = openSqlite(databasePath(system.config));
      try {
        expect((await new SqliteMissionStore(db).get(mission.id))?.status).toBe('cancelled');
      } finally {
        db.close();
      }
      // And this process, which saw no event, reports the same.
      expect((await system.missions.get(mission.id)).status).toBe('cancelled');
      expect((await system.missions.list({ status: 'running' })).map((m) => m.id)).not.toContain(mission.id);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'settles on read when another process finished the tasks without freezing the mission',
    async () => {
      system = await testSystem({ builtins: true });
      const mission = await system.missions.create('research home batteries', { sources: ['./nowhere'] });
      // Settle the tasks through a second queue on the same file, as another process would: this
      // process's mission service hears no event.
      const other = await testSystem({ builtins: true, overrides: { home: system.home } });
      try {
        await other.queue.store.cancel(`${mission.id}.collect`, 'elsewhere', Date.now());
      } finally {
        await other.close();
      }
      expect((await system.missions.list({ status: 'running' })).map((m) => m.id)).not.toContain(mission.id);
      expect((await system.missions.get(mission.id)).status).toBe('cancelled');
    },
    CLI_TIMEOUT_MS,
  );
});
