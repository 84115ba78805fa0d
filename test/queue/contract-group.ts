import { describe, expect, it } from 'vitest';
import { allSkills, leaseOf, makeHarness, type StoreFactory } from './harness.js';

/**
 * completeMany (group commit) on every adapter: each completion of a batch is fenced by its own
 * lease and refused on its own, and a dependant of several parents settled together is released
 * exactly once.
 */
export function groupCommitContract(adapter: string, factory: StoreFactory): void {
  describe(`queue contract, group commit: ${adapter}`, () => {
    it('settles a batch, each completion fenced by its own lease, releasing shared dependants once', async () => {
      const { queue, events, close } = await makeHarness(factory);
      const a = await queue.enqueue({ skill: 'alpha' });
      const b = await queue.enqueue({ skill: 'alpha' });
      const lost = await queue.enqueue({ skill: 'alpha' });
      const both = await queue.enqueue({ skill: 'beta', dependsOn: [a.id, b.id] });
      const claimed = await queue.claim('w', new Map([['alpha', 10]]));
      expect(claimed.map((t) => t.id)).toEqual([a.id, b.id, lost.id]);
      await queue.cancel(lost.id, 'operator');
      const results = await queue.completeMany(
        claimed.map((task) => ({
          lease: leaseOf(task),
          output: { from: task.id },
          effects: [{ kind: 'note', key: `note:${task.id}`, payload: { id: task.id } }],
        })),
      );
      expect(results.map((r) => ('task' in r ? r.task.id : r.error.code))).toEqual([
        a.id,
        b.id,
        'QUEUE_LEASE_LOST',
      ]);
      expect((await queue.get(a.id))!).toMatchObject({ state: 'succeeded', output: { from: a.id } });
      expect((await queue.get(lost.id))!.state).toBe('cancelled');
      expect((await queue.get(both.id))!).toMatchObject({ state: 'queued', waitingOn: 0 });
      const released = events.filter(
        (e) => e.type === 'task:queued' && (e.data as { taskId: string }).taskId === both.id,
      );
      expect(released).toHaveLength(2); // once when enqueued (waiting), once when released
      const effects = await queue.store.effects({});
      expect(effects.map((e) => e.key).sort()).toEqual([`note:${a.id}`, `note:${b.id}`].sort());
      await close();
    });

    it('refuses a completion whose child is invalid without undoing the others of the batch', async () => {
      const { queue, close } = await makeHarness(factory);
      await queue.enqueueMany([{ skill: 'alpha' }, { skill: 'alpha' }, { skill: 'alpha' }]);
      const [p, q, r] = await queue.claim('w', allSkills());
      const results = await queue.completeMany([
        { lease: leaseOf(p!), output: 1, children: [{ id: 'kid-ok', skill: 'beta' }] },
        {
          lease: leaseOf(q!),
          output: 2,
          children: [{ id: 'kid-bad', skill: 'beta', dependsOn: ['missing'] }],
        },
        { lease: leaseOf(r!), output: 3 },
      ]);
      expect(results.map((x) => ('task' in x ? 'ok' : x.error.code))).toEqual([
        'ok',
        'QUEUE_INVALID_TASK',
        'ok',
      ]);
      expect((await queue.get(q!.id))!.state).toBe('running');
      expect(await queue.get('kid-bad')).toBeNull();
      expect((await queue.get('kid-ok'))!).toMatchObject({ state: 'queued', parentId: p!.id });
      expect((await queue.get(r!.id))!.output).toBe(3);
      await close();
    });
  });
}
