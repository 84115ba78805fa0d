import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import type { Lease, Task } from '../../src/queue/types.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';
import { allSkills, makeHarness, SKILLS } from './harness.js';

type Op =
  | { kind: 'enqueue'; skill: number; priority: number; deps: number[]; maxAttempts: number }
  | { kind: 'claim'; worker: number; limit: number }
  | { kind: 'complete'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'stale'; pick: number }
  | { kind: 'tick'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('enqueue' as const),
    skill: fc.nat(2),
    priority: fc.nat(9),
    deps: fc.array(fc.nat(12), { maxLength: 3 }),
    maxAttempts: fc.integer({ min: 1, max: 2 }),
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      worker: fc.nat(2),
      limit: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(20) }) },
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('stale' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
);

/**
 * Random interleavings of every queue operation, checking after each step the invariants that
 * must hold whatever happens: work is never claimed early, twice, or after it finished; stale
 * leases never settle; a failed parent leaves no dependant waiting forever.
 */
describe('queue invariants (property-based)', () => {
  it('hold under random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80 }), async (ops) => {
        const h = await makeHarness(
          async () => {
            const db = openSqlite(':memory:');
            return {
              store: new SqliteQueueStore(db),
              close: async () => {
                db.close();
              },
            };
          },
          { leaseMs: 2000, backoffBaseMs: 500 },
        );
        const ids: string[] = [];
        const held: Lease[] = [];
        const staleLeases: Lease[] = [];
        const claimedAttempts = new Set<string>();
        try {
          for (const o of ops) {
            if (o.kind === 'enqueue') {
              const deps = [...new Set(o.deps.filter((d) => d < ids.length).map((d) => ids[d]!))];
              const task = await h.queue
                .enqueue({
                  skill: SKILLS[o.skill]!,
                  priority: o.priority,
                  dependsOn: deps,
                  maxAttempts: o.maxAttempts,
                })
                .catch((e: unknown) => {
                  // Depending on a dead or cancelled task is refused; anything else is a bug.
                  expect(isMagnaError(e, 'QUEUE_INVALID_TASK')).toBe(true);
                  return null;
                });
              if (task) ids.push(task.id);
            } else if (o.kind === 'claim') {
              const claimed = await h.queue.claim(`w${o.worker}`, allSkills(), o.limit);
              for (const task of claimed) {
                const key = `${task.id}#${task.attempt}`;
                expect(claimedAttempts.has(key), 'an attempt is claimed once').toBe(false);
                claimedAttempts.add(key);
                expect(task.attempt).toBeLessThanOrEqual(task.maxAttempts);
                for (const parent of task.dependsOn)
                  expect((await h.queue.get(parent))!.state).toBe('succeeded');
                held.push({ taskId: task.id, attempt: task.attempt, workerId: `w${o.worker}` });
              }
            } else if (o.kind === 'complete' || o.kind === 'fail') {
              const lease = held.splice(o.pick % Math.max(1, held.length), 1)[0];
              if (!lease) continue;
              const settle =
                o.kind === 'complete'
                  ? h.queue.complete(lease, 'ok')
                  : h.queue.fail(lease, { code: 'QUEUE_HANDLER_FAILED', message: 'random failure' });
              const outcome = await settle.catch((e: unknown) => e);
              if (isMagnaError(outcome)) {
                // Only a lease lost to expiry or cancellation may refuse settlement.
                expect(outcome.code).toBe('QUEUE_LEASE_LOST');
              }
              staleLeases.push(lease);
            } else if (o.kind === 'cancel') {
              const id = ids[o.pick % Math.max(1, ids.length)];
              if (id)
                await h.queue
                  .cancel(id)
                  .catch((e: unknown) => expect(isMagnaError(e, 'QUEUE_TASK_STATE')).toBe(true));
            } else if (o.kind === 'stale') {
              const lease = staleLeases[o.pick % Math.max(1, staleLeases.length)];
              if (lease) {
                const result = await h.queue.complete(lease, 'late').catch((e: unknown) => e);
                expect(isMagnaError(result, 'QUEUE_LEASE_LOST'), 'a settled lease never settles again').toBe(
                  true,
                );
              }
            } else {
              h.clock.advance(o.ms);
              await h.queue.recoverExpired();
            }
            await checkGlobalInvariants(await h.queue.list({ limit: 1000 }));
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 100, seed: 20261125 },
    );
  });
});

async function checkGlobalInvariants(tasks: Task[]): Promise<void> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const task of tasks) {
    const parents = task.dependsOn.map((id) => byId.get(id)!);
    if (task.state === 'waiting') {
      // A waiting task waits only on unfinished parents: a dead or cancelled parent cancels it.
      expect(parents.some((p) => p.state === 'dead' || p.state === 'cancelled')).toBe(false);
      expect(task.waitingOn).toBe(parents.filter((p) => p.state !== 'succeeded').length);
    }
    if (task.state === 'queued' || task.state === 'running') {
      expect(parents.every((p) => p.state === 'succeeded')).toBe(true);
    }
    if (task.state === 'running') expect(task.leaseOwner).not.toBeNull();
    else expect(task.leaseOwner).toBeNull();
  }
}
