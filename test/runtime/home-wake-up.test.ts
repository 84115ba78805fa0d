import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import { openSystem } from '../../src/runtime/system.js';
import { until } from '../support/system.js';

const echo = defineAgent({
  name: 'echoer',
  role: 'worker',
  description: 'returns its input',
  concurrency: 2,
  skills: [
    defineSkill({
      name: 'echo',
      description: 'returns its input',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      handler: async (input) => input,
    }),
  ],
});

describe('processes on one home', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('wake an idle node of another process when they queue work, without waiting for its poll', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-home-wake-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    // A node that polls once a minute finds new work in time only if the wake-up reaches it.
    const open = () =>
      openSystem({
        overrides: {
          home,
          log: { level: 'silent' },
          queue: { pollMs: 60_000, heartbeatMs: 100, leaseMs: 2000 },
        },
        builtins: false,
        agents: [echo],
      });
    const worker = await open();
    cleanups.push(() => worker.close());
    await worker.createNode().start();
    const submitter = await open();
    cleanups.push(() => submitter.close());

    // The submitter, opened last, connects to the worker's socket as it opens.
    const done = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const task = await submitter.queue.enqueue({ skill: 'echo', input: { n: round } });
      await until(
        async () => (await submitter.queue.get(task.id))?.state === 'succeeded',
        20_000,
        `task ${round} to run in the other process`,
      );
      done.add(task.id);
    }
    expect(done.size).toBe(3);
  }, 70_000);
});
