import { describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import type { Lease, Task } from '../../src/queue/types.js';
import { allSkills, leaseOf, makeHarness, type QueueHarness, type StoreFactory } from './harness.js';

/**
 * The queue's contract: every QueueStore adapter runs this same suite. Each rule of the durable
 * queue has a test here; adapters differ only in the factory.
 */
export function queueContract(adapter: string, factory: StoreFactory): void {
  const setup = (overrides?: Record<string, unknown>) => makeHarness(factory, overrides);

  describe(`queue contract: ${adapter}`, () => {
    it('claims the highest priority first, then earliest run-at, then arrival', async () => {
      const { queue, clock, close } = await setup();
      const low = await queue.enqueue({ skill: 'alpha', priority: 1 });
      const highLate = await queue.enqueue({ skill: 'alpha', priority: 9, runAt: clock.now() + 10 });
      const high = await queue.enqueue({ skill: 'alpha', priority: 9 });
      const mid1 = await queue.enqueue({ skill: 'alpha', priority: 5 });
      const mid2 = await queue.enqueue({ skill: 'alpha', priority: 5 });
      clock.advance(10);
      const claimed = await queue.claim('w', allSkills(), 10);
      expect(claimed.map((t) => t.id)).toEqual([high.id, highLate.id, mid1.id, mid2.id, low.id]);
      await close();
    });

    it('claims only the skills offered, in batches up to the limit, each with a lease', async () => {
      const { queue, clock, close } = await setup({ leaseMs: 5000 });
      await queue.enqueueMany([...Array(5)].map(() => ({ skill: 'alpha' })));
      await queue.enqueue({ skill: 'beta' });
      const first = await queue.claim('w', new Map([['alpha', 100]]), 3);
      expect(first).toHaveLength(3);
      expect(first.every((t) => t.skill === 'alpha' && t.state === 'running' && t.attempt === 1)).toBe(true);
      expect(first[0]!.leaseExpiresAt).toBe(clock.now() + 5000);
      expect(await queue.claim('w', new Map([['alpha', 100]]), 10)).toHaveLength(2);
      expect(await queue.claim('w', new Map([['alpha', 100]]), 10)).toHaveLength(0);
      expect(await queue.claim('w', new Map([['beta', 1]]), 10)).toHaveLength(1);
      await close();
    });

    it('holds a delayed task until its run-at time', async () => {
      const { queue, clock, close } = await setup();
      const task = await queue.enqueue({ skill: 'alpha', delayMs: 5000 });
      expect(await queue.claim('w', allSkills())).toHaveLength(0);
      clock.advance(5000);
      expect((await queue.claim('w', allSkills())).map((t) => t.id)).toEqual([task.id]);
      await close();
    });

    it('returns the first task for a repeated idempotency key while it is unfinished', async () => {
      const { queue, close } = await setup();
      const first = await queue.enqueue({ skill: 'alpha', idempotencyKey: 'k1', input: { n: 1 } });
      const again = await queue.enqueue({ skill: 'alpha', idempotencyKey: 'k1', input: { n: 2 } });
      expect(again.id).toBe(first.id);
      expect(await queue.list()).toHaveLength(1);
      const [claimed] = await queue.claim('w', allSkills());
      await queue.complete(leaseOf(claimed!), null);
      const later = await queue.enqueue({ skill: 'alpha', idempotencyKey: 'k1' });
      expect(later.id).not.toBe(first.id);
      await close();
    });

    it('runs a task only after all its parents succeed', async () => {
      const { queue, close } = await setup();
      const a = await queue.enqueue({ skill: 'alpha' });
      const b = await queue.enqueue({ skill: 'alpha' });
      const c = await queue.enqueue({ skill: 'beta', dependsOn: [a.id, b.id] });
      expect(c.state).toBe('waiting');
      const claimed = await queue.claim('w', allSkills());
      expect(claimed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
      await queue.complete(leaseOf(claimed[0]!), 1);
      expect((await queue.get(c.id))!.state).toBe('waiting');
      await queue.complete(leaseOf(claimed[1]!), 2);
      expect((await queue.get(c.id))!.state).toBe('queued');
      expect((await queue.claim('w', allSkills())).map((t) => t.id)).toEqual([c.id]);
      await close();
    });

    it('cancels all dependants, transitively, with the reason when a parent dies', async () => {
      const { queue, close } = await setup();
      const parent = await queue.enqueue({ skill: 'alpha', maxAttempts: 1 });
      const child = await queue.enqueue({ skill: 'alpha', dependsOn: [parent.id] });
      const grandchild = await queue.enqueue({ skill: 'alpha', dependsOn: [child.id] });
      const [claimed] = await queue.claim('w', allSkills());
      await queue.fail(leaseOf(claimed!), { code: 'QUEUE_HANDLER_FAILED', message: 'boom' });
      expect((await queue.get(parent.id))!.state).toBe('dead');
      for (const id of [child.id, grandchild.id]) {
        const task = (await queue.get(id))!;
        expect(task.state).toBe('cancelled');
        expect(task.cancelReason).toContain(parent.id);
      }
      await close();
    });

    it('refuses a dependency on an unknown or failed task without storing anything', async () => {
      const { queue, close } = await setup();
      const ok = await queue.enqueue({ skill: 'alpha' });
      await expect(
        queue.enqueueMany([{ skill: 'alpha' }, { skill: 'alpha', dependsOn: ['nope'] }]),
      ).rejects.toMatchObject({
        code: 'QUEUE_INVALID_TASK',
      });
      expect((await queue.list()).map((t) => t.id)).toEqual([ok.id]);
      await queue.cancel(ok.id);
      await expect(queue.enqueue({ skill: 'alpha', dependsOn: [ok.id] })).rejects.toMatchObject({
        code: 'QUEUE_INVALID_TASK',
      });
      await close();
    });

    it('extends a lease on heartbeat and reports leases it no longer holds', async () => {
      const { queue, clock, close } = await setup({ leaseMs: 1000 });
      await queue.enqueueMany([{ skill: 'alpha' }, { skill: 'alpha' }]);
      const [a, b] = await queue.claim('w', allSkills());
      clock.advance(800);
      expect(await queue.heartbeat([leaseOf(a!), leaseOf(b!)])).toEqual([]);
      await queue.cancel(b!.id);
      clock.advance(800);
      expect(await queue.recoverExpired()).toHaveLength(0);
      expect(await queue.heartbeat([leaseOf(a!), leaseOf(b!)])).toEqual([b!.id]);
      await close();
    });

    it('fences settlement: a worker that lost its lease cannot complete or fail the new attempt', async () => {
      const { queue, clock, close } = await setup({ leaseMs: 1000 });
      await queue.enqueue({ skill: 'alpha' });
      const [first] = await queue.claim('old', allSkills());
      clock.advance(1001);
      const recovered = await queue.recoverExpired();
      expect(recovered[0]!.state).toBe('queued');
      clock.advance(60_000);
      const [second] = await queue.claim('new', allSkills());
      expect(second!.attempt).toBe(2);
      const stale = leaseOf(first!, 'old');
      await expect(queue.complete(stale, 'late')).rejects.toSatisfy((e) =>
        isMagnaError(e, 'QUEUE_LEASE_LOST'),
      );
      await expect(queue.fail(stale, { code: 'X', message: 'late' })).rejects.toSatisfy((e) =>
        isMagnaError(e, 'QUEUE_LEASE_LOST'),
      );
      await queue.complete(leaseOf(second!, 'new'), 'fresh');
      expect((await queue.get(second!.id))!.output).toBe('fresh');
      await close();
    });

    /** Every settling or lease-extending call with `lease` is refused and changes nothing. */
    async function expectFenced(queue: QueueHarness['queue'], lease: Lease, task: Task) {
      const lost = (e: unknown) => isMagnaError(e, 'QUEUE_LEASE_LOST');
      await expect(queue.complete(lease, 'late')).rejects.toSatisfy(lost);
      const [many] = await queue.completeMany([{ lease, output: 'late' }]);
      expect(many && 'error' in many && many.error.code).toBe('QUEUE_LEASE_LOST');
      await expect(queue.fail(lease, { code: 'X', message: 'late' })).rejects.toSatisfy(lost);
      await expect(queue.fail(lease, { code: 'X', message: 'late' }, { permanent: true })).rejects.toSatisfy(
        lost,
      );
      await expect(queue.progress(lease, task, 0.5)).rejects.toSatisfy(lost);
      expect(await queue.heartbeat([lease])).toEqual([task.id]);
      expect(await queue.release(lease)).toBeNull();
      expect(await queue.get(task.id)).toMatchObject({
        state: 'running',
        attempt: task.attempt,
        output: null,
      });
    }

    it('fences by attempt: a worker cannot settle an earlier attempt of a task it holds again', async () => {
      const { queue, clock, close } = await setup({ leaseMs: 1000 });
      await queue.enqueue({ skill: 'alpha' });
      const [first] = await queue.claim('w', allSkills());
      clock.advance(1001);
      await queue.recoverExpired();
      clock.advance(60_000);
      // The same worker claims the task again: only the attempt number tells the two leases apart.
      const [second] = await queue.claim('w', allSkills());
      expect(second).toMatchObject({ id: first!.id, attempt: 2, leaseOwner: 'w' });
      await expectFenced(queue, leaseOf(first!, 'w'), second!);
      await queue.complete(leaseOf(second!, 'w'), 'fresh');
      expect(await queue.get(second!.id)).toMatchObject({ state: 'succeeded', output: 'fresh' });
      await close();
    });

    it('fences by owner: another worker naming the current attempt cannot settle it', async () => {
      const { queue, close } = await setup();
      await queue.enqueue({ skill: 'alpha' });
      const [task] = await queue.claim('owner', allSkills());
      await expectFenced(queue, leaseOf(task!, 'intruder'), task!);
      const [settled] = await queue.completeMany([{ lease: leaseOf(task!, 'owner'), output: 'mine' }]);
      expect(settled && 'task' in settled && settled.task.id).toBe(task!.id);
      expect(await queue.get(task!.id)).toMatchObject({ state: 'succeeded', output: 'mine' });
      await close();
    });

    it('retries with exponential backoff and jitter, then dead-letters, and can be redriven', async () => {
      const { queue, clock, close, events } = await setup({ backoffBaseMs: 1000 });
      const task = await queue.enqueue({ skill: 'alpha', maxAttempts: 3 });
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [claimed] = await queue.claim('w', allSkills());
        expect(claimed!.attempt).toBe(attempt);
        const failedAt = clock.now();
        const after = await queue.fail(leaseOf(claimed!), {
          code: 'QUEUE_HANDLER_FAILED',
          message: `try ${attempt}`,
        });
        if (attempt < 3) {
          expect(after.state).toBe('queued');
          delays.push(after.runAt - failedAt);
          expect(await queue.claim('w', allSkills())).toHaveLength(0);
          clock.set(after.runAt);
        } else {
          expect(after.state).toBe('dead');
          expect(after.lastError).toEqual({ code: 'QUEUE_HANDLER_FAILED', message: 'try 3' });
        }
      }
      // random() is fixed at 0.5: delay = exp/2 + 0.5 * exp/2 with exp = 1000, 2000.
      expect(delays).toEqual([750, 1500]);
      const types = events.filter((e) => 'taskId' in e.data && e.data.taskId === task.id).map((e) => e.type);
      expect(types).toEqual([
        'task:queued',
        'task:started',
        'task:failed',
        'task:retrying',
        'task:started',
        'task:failed',
        'task:retrying',
        'task:started',
        'task:failed',
        'task:dead',
      ]);
      const redriven = await queue.redrive(task.id);
      expect(redriven).toMatchObject({ state: 'queued', attempt: 0 });
      expect((await queue.claim('w', allSkills()))[0]!.attempt).toBe(1);
      await close();
    });

    it('dead-letters at once on a permanent error', async () => {
      const { queue, close } = await setup();
      await queue.enqueue({ skill: 'alpha', maxAttempts: 5 });
      const [claimed] = await queue.claim('w', allSkills());
      const after = await queue.fail(leaseOf(claimed!), {
        code: 'QUEUE_OUTPUT_INVALID',
        message: 'bad output',
      });
      expect(after.state).toBe('dead');
      await close();
    });

    it('counts an expired lease as an attempt and dead-letters after the last one', async () => {
      const { queue, clock, close } = await setup({ leaseMs: 1000 });
      const task = await queue.enqueue({ skill: 'alpha', maxAttempts: 2 });
      await queue.claim('w1', allSkills());
      clock.advance(1001);
      expect((await queue.recoverExpired())[0]).toMatchObject({ id: task.id, state: 'queued', attempt: 1 });
      clock.advance(60_000);
      await queue.claim('w2', allSkills());
      clock.advance(1001);
      const [dead] = await queue.recoverExpired();
      expect(dead).toMatchObject({ id: task.id, state: 'dead', attempt: 2 });
      expect(dead!.lastError!.code).toBe('TIMEOUT');
      await close();
    });

    it('cancels queued and running tasks and refuses to cancel a finished one', async () => {
      const { queue, close } = await setup();
      const queued = await queue.enqueue({ skill: 'beta' });
      const running = await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', new Map([['alpha', 1]]));
      expect((await queue.cancel(queued.id, 'not needed')).cancelReason).toBe('not needed');
      expect((await queue.cancel(running.id)).state).toBe('cancelled');
      await expect(queue.complete(leaseOf(claimed!), 'x')).rejects.toSatisfy((e) =>
        isMagnaError(e, 'QUEUE_LEASE_LOST'),
      );
      await expect(queue.cancel(running.id)).rejects.toSatisfy((e) => isMagnaError(e, 'QUEUE_TASK_STATE'));
      await expect(queue.cancel('missing')).rejects.toSatisfy((e) => isMagnaError(e, 'NOT_FOUND'));
      await close();
    });

    it('does not starve low priority work under a constant stream of high priority work', async () => {
      const { queue, clock, close } = await setup({ agingStepMs: 1000 });
      const low = await queue.enqueue({ skill: 'alpha', priority: 0 });
      const passedBy: number[] = [];
      let lowStarted = false;
      // Twice as much high-priority work arrives as can run: without aging, low would never run.
      for (let tick = 0; tick < 40 && !lowStarted; tick++) {
        await queue.enqueueMany([
          { skill: 'alpha', priority: 9 },
          { skill: 'alpha', priority: 9 },
        ]);
        const [claimed] = await queue.claim('w', allSkills(), 1);
        if (claimed!.id === low.id) lowStarted = true;
        else {
          passedBy.push(claimed!.runAt - low.runAt);
          await queue.complete(leaseOf(claimed!), null);
        }
        clock.advance(1000);
      }
      expect(lowStarted).toBe(true);
      // The rule: a task is never passed by one that became ready more than 9 aging steps after it.
      expect(Math.max(...passedBy)).toBeLessThan(9 * 1000);
      expect(Math.max(...passedBy)).toBeGreaterThan(0);
      await close();
    });

    it('enforces a per-skill concurrency limit and rate limit across workers', async () => {
      const { queue, clock, close } = await setup({
        skillLimits: { alpha: { concurrency: 2 }, beta: { perSecond: 3 } },
      });
      await queue.enqueueMany([...Array(5)].map(() => ({ skill: 'alpha' })));
      await queue.enqueueMany([...Array(5)].map(() => ({ skill: 'beta' })));
      const w1 = await queue.claim('w1', new Map([['alpha', 10]]));
      const w2 = await queue.claim('w2', new Map([['alpha', 10]]));
      expect(w1.length + w2.length).toBe(2);
      await queue.complete(leaseOf(w1[0]!), null);
      expect(await queue.claim('w2', new Map([['alpha', 10]]))).toHaveLength(1);
      clock.advance(1);
      expect(await queue.claim('w1', new Map([['beta', 10]]))).toHaveLength(3);
      expect(await queue.claim('w2', new Map([['beta', 10]]))).toHaveLength(0);
      clock.advance(1001);
      expect(await queue.claim('w2', new Map([['beta', 10]]))).toHaveLength(2);
      await close();
    });

    it('records effects once and enqueues children atomically with completion', async () => {
      const { queue, close } = await setup();
      const parent = await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', allSkills());
      await queue.complete(
        leaseOf(claimed!),
        { ok: true },
        [{ kind: 'email', key: `send:${parent.id}`, payload: { to: 'a@b.c' } }],
        [{ id: 'child-1', skill: 'beta', input: { n: 1 } }],
      );
      const child = (await queue.get('child-1'))!;
      expect(child).toMatchObject({ parentId: parent.id, state: 'queued' });
      const effects = await queue.store.effects({ taskId: parent.id });
      expect(effects).toEqual([
        expect.objectContaining({ kind: 'email', key: `send:${parent.id}`, payload: { to: 'a@b.c' } }),
      ]);
      await close();
    });

    it('rejects a completion whose children are invalid and keeps the task running', async () => {
      const { queue, close } = await setup();
      await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', allSkills());
      await expect(queue.complete(leaseOf(claimed!), null, [], [{ skill: 'nope' }])).rejects.toSatisfy((e) =>
        isMagnaError(e, 'QUEUE_UNKNOWN_SKILL'),
      );
      expect((await queue.get(claimed!.id))!.state).toBe('running');
      await close();
    });

    it('refuses invalid input, unknown skills and bad options with coded errors, losing nothing', async () => {
      const { queue, close } = await setup();
      const kept = await queue.enqueue({ skill: 'alpha', input: { n: 1 } });
      const bad = [
        [{ skill: 'alpha', input: { n: 'one' } }, 'QUEUE_INVALID_INPUT'],
        [{ skill: 'alpha', input: { extra: true } }, 'QUEUE_INVALID_INPUT'],
        [{ skill: 'nope' }, 'QUEUE_UNKNOWN_SKILL'],
        [{ skill: 'alpha', priority: 10 }, 'QUEUE_INVALID_TASK'],
        [{ skill: 'alpha', priority: 1.5 }, 'QUEUE_INVALID_TASK'],
        [{ skill: 'alpha', maxAttempts: 0 }, 'QUEUE_INVALID_TASK'],
        [{ skill: 'alpha', id: 'has spaces' }, 'QUEUE_INVALID_TASK'],
        [{ skill: 'alpha', id: kept.id }, 'QUEUE_INVALID_TASK'],
      ] as const;
      for (const [spec, code] of bad) {
        await expect(queue.enqueue(spec as never), JSON.stringify(spec)).rejects.toMatchObject({ code });
      }
      const invalidInput = await queue
        .enqueue({ skill: 'alpha', input: { n: 'x' } })
        .catch((e: unknown) => e);
      expect(invalidInput).toMatchObject({ details: { issues: [expect.objectContaining({ path: 'n' })] } });
      expect((await queue.list()).map((t) => t.id)).toEqual([kept.id]);
      await close();
    });

    it('emits one typed event per state change', async () => {
      const { queue, events, close } = await setup();
      const task = await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', allSkills());
      await queue.complete(leaseOf(claimed!), 42);
      const cancelled = await queue.enqueue({ skill: 'alpha' });
      await queue.cancel(cancelled.id);
      expect(events.map((e) => [e.type, (e.data as { taskId: string }).taskId])).toEqual([
        ['task:queued', task.id],
        ['task:started', task.id],
        ['task:succeeded', task.id],
        ['task:queued', cancelled.id],
        ['task:cancelled', cancelled.id],
      ]);
      await close();
    });

    it('releases a held task without counting the attempt', async () => {
      const { queue, close } = await setup();
      await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', allSkills());
      const released = await queue.release(leaseOf(claimed!));
      expect(released).toMatchObject({ state: 'queued', attempt: 0 });
      await close();
    });

    it('prunes finished tasks older than the retention age and keeps the rest', async () => {
      const { queue, clock, close } = await setup({ retentionMs: 10_000 });
      const old = await queue.enqueue({ skill: 'alpha' });
      const [claimed] = await queue.claim('w', allSkills());
      await queue.complete(leaseOf(claimed!), null);
      const pending = await queue.enqueue({ skill: 'beta' });
      clock.advance(10_001);
      const recent = await queue.enqueue({ skill: 'alpha' });
      const [c2] = await queue.claim('w', new Map([['alpha', 1]]));
      await queue.complete(leaseOf(c2!), null);
      expect(await queue.prune()).toBe(1);
      expect(await queue.get(old.id)).toBeNull();
      expect((await queue.list()).map((t) => t.id).sort()).toEqual([pending.id, recent.id].sort());
      await close();
    });
  });
}
