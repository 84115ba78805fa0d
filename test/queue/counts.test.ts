import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueStore } from '../../src/queue/store-port.js';
import type { Lease } from '../../src/queue/types.js';
import { migrate, openSqlite } from '../../src/store/sqlite/database.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';
import { allSkills, makeHarness, SKILLS, type StoreFactory } from './harness.js';

type Op =
  | { kind: 'enqueue'; skill: number; deps: number[]; children: number }
  | { kind: 'claim'; limit: number }
  | { kind: 'completeMany'; n: number; children: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'release'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'redrive'; pick: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'prune' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      skill: fc.nat(2),
      deps: fc.array(fc.nat(8), { maxLength: 2 }),
      children: fc.nat(1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 5 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('completeMany' as const),
      n: fc.integer({ min: 1, max: 4 }),
      children: fc.nat(2),
    }),
  },
  fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat(20) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(50) }) },
  fc.record({ kind: fc.constant('redrive' as const), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant('prune' as const) }),
);

/** The store's counts against a count of what `list` returns: they must agree after every step. */
async function expectCountsMatch(
  store: QueueStore,
  list: () => Promise<Array<{ skill: string; state: string }>>,
) {
  const expected = new Map<string, number>();
  for (const t of await list())
    expected.set(`${t.skill}/${t.state}`, (expected.get(`${t.skill}/${t.state}`) ?? 0) + 1);
  const actual = new Map((await store.countByState()).map((c) => [`${c.skill}/${c.state}`, c.count]));
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
}

function sqliteFactory(): { factory: StoreFactory; store: () => QueueStore } {
  let store: QueueStore | undefined;
  return {
    factory: async () => {
      const db = openSqlite(':memory:');
      store = new SqliteQueueStore(db);
      return {
        store,
        close: async () => {
          db.close();
        },
      };
    },
    store: () => store!,
  };
}

/**
 * Counts by skill and state are kept incrementally by the store (no scan); every transition —
 * enqueue, claim, group commit with children and released dependants, failure and retry, death
 * cascading to dependants, release, cancel, redrive, lease expiry, prune — must keep them exact.
 */
describe('task counts', () => {
  it('match the tasks after random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
        const sqlite = sqliteFactory();
        const h = await makeHarness(sqlite.factory, { leaseMs: 2000, backoffBaseMs: 500, retentionMs: 1000 });
        const store = sqlite.store();
        const ids: string[] = [];
        const held: Lease[] = [];
        const list = () => h.queue.list({ limit: 10_000 });
        try {
          for (const o of ops) {
            if (o.kind === 'enqueue') {
              const deps = [...new Set(o.deps.filter((d) => d < ids.length).map((d) => ids[d]!))];
              const task = await h.queue
                .enqueue({ skill: SKILLS[o.skill]!, dependsOn: deps, maxAttempts: 2 })
                .catch(() => null);
              if (task) ids.push(task.id);
            } else if (o.kind === 'claim') {
              for (const t of await h.queue.claim('w', allSkills(), o.limit))
                held.push({ taskId: t.id, attempt: t.attempt, workerId: 'w' });
            } else if (o.kind === 'completeMany') {
              const leases = held.splice(0, o.n);
              const results = await h.queue.completeMany(
                leases.map((lease, i) => ({
                  lease,
                  output: 'ok',
                  // A child depending on an unknown task is refused: its completion rolls back alone.
                  children: Array.from({ length: i === 0 ? o.children : 0 }, (_, k) => ({
                    skill: SKILLS[k % SKILLS.length]!,
                    ...(k === 1 ? { dependsOn: ['task_missing'] } : {}),
                  })),
                })),
              );
              for (const r of results) if ('task' in r) ids.push(r.task.id);
            } else if (o.kind === 'fail' || o.kind === 'release') {
              const lease = held.splice(o.pick % Math.max(1, held.length), 1)[0];
              if (!lease) continue;
              if (o.kind === 'fail')
                await h.queue.fail(lease, { code: 'QUEUE_HANDLER_FAILED', message: 'x' }).catch(() => null);
              else await h.queue.release(lease).catch(() => null);
            } else if (o.kind === 'cancel' || o.kind === 'redrive') {
              const id = ids[o.pick % Math.max(1, ids.length)];
              if (!id) continue;
              if (o.kind === 'cancel') await h.queue.cancel(id).catch(() => null);
              else await h.queue.redrive(id).catch(() => null);
            } else if (o.kind === 'tick') {
              h.clock.advance(o.ms);
              await h.queue.recoverExpired();
            } else {
              await h.queue.prune();
            }
            await expectCountsMatch(store, list);
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('are backfilled from the tasks already stored when migration 7 runs', async () => {
    const db = openSqlite(':memory:', sqliteMigrations.slice(0, 6));
    try {
      // Tasks written by a version before the counts table existed.
      const insert = db.prepare(`INSERT INTO tasks (id, skill, input, state, priority, run_at, rank,
        max_attempts, timeout_ms, created_at) VALUES (?, ?, 'null', ?, 5, 0, 0, 3, 1000, 0)`);
      insert.run('t1', 'alpha', 'queued');
      insert.run('t2', 'alpha', 'queued');
      insert.run('t3', 'alpha', 'dead');
      insert.run('t4', 'beta', 'running');
      migrate(db, sqliteMigrations);
      expect(await new SqliteQueueStore(db).countByState()).toEqual([
        { skill: 'alpha', state: 'dead', count: 1 },
        { skill: 'alpha', state: 'queued', count: 2 },
        { skill: 'beta', state: 'running', count: 1 },
      ]);
    } finally {
      db.close();
    }
  });
});
