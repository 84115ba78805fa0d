import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import { isMagnaError } from '../../src/core/errors.js';
import { CompletionBatcher } from '../../src/runtime/group-commit.js';
import { testSystem } from '../support/system.js';

const step = defineSkill({
  name: 'gc.step',
  description: 'test step',
  input: z.object({ n: z.number().int() }),
  output: z.object({ n: z.number().int() }),
  async handler(input) {
    return input;
  },
});
const agent = defineAgent({ name: 'gc', role: 'worker', description: 'group commit test', skills: [step] });

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

async function setup() {
  const system = await testSystem({ agents: [agent] });
  disposers.push(() => system.dispose());
  return system;
}

const lease = (taskId: string, attempt = 1, workerId = 'w1') => ({ taskId, attempt, workerId });

describe('group commit of successes', () => {
  it('settles each completion of a batch on its own lease: refusals leave no trace and do not stop the others', async () => {
    const system = await setup();
    const { queue } = system;
    await queue.enqueueMany(['a', 'b', 'c', 'd'].map((id, n) => ({ id, skill: 'gc.step', input: { n } })));
    await queue.enqueue({ id: 'e', skill: 'gc.step', input: { n: 9 }, dependsOn: ['a'] });
    expect((await queue.claim('w1', new Map([['gc.step', 10]]))).map((t) => t.id).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    await queue.cancel('b', 'changed my mind');
    const events: string[] = [];
    system.events.onAny((e) => {
      if ('taskId' in e.data) events.push(`${e.type} ${e.data.taskId}`);
    });

    const outcomes = await queue.completeMany([
      {
        lease: lease('a'),
        output: { n: 0 },
        effects: [{ kind: 'k', key: 'a-effect', payload: 1 }],
        children: [{ id: 'a-child', skill: 'gc.step', input: { n: 10 } }],
      },
      { lease: lease('b'), output: { n: 1 } }, // cancelled meanwhile
      { lease: lease('c', 2), output: { n: 2 } }, // an attempt it does not hold
      {
        lease: lease('d'),
        output: { n: 3 },
        effects: [{ kind: 'k', key: 'd-effect', payload: 3 }],
        children: [{ id: 'd-child', skill: 'gc.step', input: { n: 11 }, dependsOn: ['no-such-task'] }],
      },
    ]);

    expect(outcomes.map((o) => ('error' in o ? o.error.code : o.task.id))).toEqual([
      'a',
      'QUEUE_LEASE_LOST',
      'QUEUE_LEASE_LOST',
      'QUEUE_INVALID_TASK',
    ]);
    expect(await queue.get('a')).toMatchObject({ state: 'succeeded', output: { n: 0 } });
    expect(await queue.get('a-child')).toMatchObject({ state: 'queued', parentId: 'a' });
    expect(await queue.get('e')).toMatchObject({ state: 'queued', waitingOn: 0 });
    expect((await queue.get('b'))!.state).toBe('cancelled');
    expect(await queue.get('c')).toMatchObject({ state: 'running', attempt: 1, output: null });
    // d's refused child rolled back d's whole completion: still running, no effect, no child.
    expect(await queue.get('d')).toMatchObject({ state: 'running', output: null });
    expect(await queue.get('d-child')).toBeNull();
    expect((await queue.store.effects({})).map((e) => e.key)).toEqual(['a-effect']);
    expect(events.sort()).toEqual(['task:queued a-child', 'task:queued e', 'task:succeeded a']);

    // The refused ones can still be settled by their holders.
    await queue.complete(lease('d'), { n: 3 });
    expect((await queue.get('d'))!.state).toBe('succeeded');
  });

  it('batches the completions of one tick into one store call, each caller getting its own outcome', async () => {
    const system = await setup();
    const { queue } = system;
    await queue.enqueueMany(
      ['x', 'y', 'z', 'later'].map((id, n) => ({ id, skill: 'gc.step', input: { n } })),
    );
    await queue.claim('w1', new Map([['gc.step', 10]]));
    const spy = vi.spyOn(queue.store, 'completeMany');
    const batcher = new CompletionBatcher(queue);

    const settled = await Promise.allSettled([
      batcher.complete({ lease: lease('x'), output: { n: 0 } }),
      batcher.complete({ lease: lease('y', 1, 'someone-else'), output: { n: 1 } }),
      batcher.complete({ lease: lease('z'), output: { n: 2 } }),
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0].map((c) => c.lease.taskId)).toEqual(['x', 'y', 'z']);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = settled[1] as PromiseRejectedResult;
    expect(isMagnaError(refused.reason, 'QUEUE_LEASE_LOST')).toBe(true);
    expect(settled[0]).toMatchObject({
      status: 'fulfilled',
      value: { id: 'x', skill: 'gc.step', attempt: 1 },
    });
    expect((await queue.list({ state: 'succeeded' })).map((t) => t.id).sort()).toEqual(['x', 'z']);

    // A completion after the flush goes in a batch of its own.
    await batcher.complete({ lease: lease('later'), output: { n: 3 } });
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await queue.get('later'))!.state).toBe('succeeded');
  });
});
