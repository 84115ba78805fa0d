import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import type { AnyEvent } from '../../src/core/events.js';
import { newId } from '../../src/core/ids.js';
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

describe('events across processes (NATS)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('lets a process without agents see, and wake, the work another process does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-cluster-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const prefix = `cl${newId().slice(-10).toLowerCase()}`;
    const open = (pollMs: number) =>
      openSystem({
        overrides: {
          home,
          log: { level: 'silent' },
          bus: { url: 'nats://127.0.0.1:4222', prefix },
          // A worker that polls once a minute finds new work only when a wake-up reaches it.
          queue: { pollMs, heartbeatMs: 100, leaseMs: 2000 },
        },
        builtins: false,
        agents: [echo],
      });
    const server = await open(60_000);
    cleanups.push(() => server.close());
    const worker = await open(60_000);
    cleanups.push(() => worker.close());
    const node = worker.createNode();
    await node.start();

    const seen: AnyEvent[] = [];
    server.events.onAny((e) => seen.push(e));
    const task = await server.queue.enqueue({ skill: 'echo', input: { n: 5 } });
    await until(
      () => seen.some((e) => e.type === 'task:succeeded' && e.data.taskId === task.id),
      20_000,
      'the worker process to run the task',
    );
    const started = seen.find((e) => e.type === 'task:started' && e.data.taskId === task.id);
    expect(started?.data).toMatchObject({ workerId: node.id, skill: 'echo' });
    expect((await server.queue.get(task.id))?.state).toBe('succeeded');
  }, 30_000);
});
