import { afterEach, describe, expect, it } from 'vitest';
import type { Mission } from '../../src/orchestrator/types.js';
import type { NewTask } from '../../src/queue/store-port.js';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import { SqliteMissionStore } from '../../src/store/sqlite/mission-store.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';

function mission(id: string): Mission {
  return {
    id,
    goal: `goal of ${id}`,
    template: 't',
    options: {},
    status: 'running',
    result: null,
    createdAt: 1_000,
    finishedAt: null,
  };
}

function task(missionId: string, key: string, dependsOn: string[] = []): NewTask {
  return {
    id: `${missionId}.${key}`,
    skill: 's.x',
    input: { key },
    priority: 5,
    runAt: 1_000,
    rank: 1_000,
    maxAttempts: 3,
    timeoutMs: 60_000,
    idempotencyKey: null,
    dependsOn,
    missionId,
    parentId: null,
    actor: null,
    tags: [`step:${key}`],
  };
}

describe('SqliteMissionStore.insertWithTasks', () => {
  let db: SqliteDatabase | undefined;
  afterEach(() => db?.close());

  it('commits each mission with its tasks; a refused plan in the same batch leaves only its own mission out', async () => {
    db = openSqlite(':memory:');
    const queue = new SqliteQueueStore(db);
    const store = new SqliteMissionStore(db, queue);
    // Submitted in one loop turn, so they share one transaction.
    const results = await Promise.allSettled([
      store.insertWithTasks(mission('m1'), [task('m1', 'a'), task('m1', 'b', ['m1.a'])], 1_000),
      store.insertWithTasks(mission('m2'), [task('m2', 'a', ['no-such-task'])], 1_000),
      store.insertWithTasks(mission('m3'), [task('m3', 'a')], 1_000),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'QUEUE_INVALID_TASK' });
    const first = (results[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof store.insertWithTasks>>>)
      .value;
    expect(first.map((o) => [o.task.id, o.task.state])).toEqual([
      ['m1.a', 'queued'],
      ['m1.b', 'waiting'],
    ]);
    expect(await store.get('m1')).toMatchObject({ id: 'm1', status: 'running' });
    expect(await store.get('m2')).toBeNull();
    expect(await store.get('m3')).toMatchObject({ id: 'm3' });
    const tasks = await queue.list({ limit: 100 });
    expect(tasks.map((t) => t.id).sort()).toEqual(['m1.a', 'm1.b', 'm3.a']);
  });

  it('refuses a mission whose id already exists without touching the stored one', async () => {
    db = openSqlite(':memory:');
    const queue = new SqliteQueueStore(db);
    const store = new SqliteMissionStore(db, queue);
    await store.insertWithTasks(mission('m1'), [task('m1', 'a')], 1_000);
    await expect(store.insertWithTasks(mission('m1'), [task('m1', 'b')], 2_000)).rejects.toMatchObject({
      code: expect.any(String),
    });
    expect(await store.get('m1')).toMatchObject({ goal: 'goal of m1', createdAt: 1_000 });
    expect((await queue.list({ limit: 100 })).map((t) => t.id)).toEqual(['m1.a']);
  });
});
