import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../src/agents/sdk.js';
import type { ConfigInput } from '../src/core/config.js';
import { EventHub } from '../src/core/events.js';
import { SkillCatalog } from '../src/queue/skill-catalog.js';
import { TaskQueue } from '../src/queue/task-queue.js';
import { databasePath, openSystem, type System } from '../src/runtime/system.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../src/store/sqlite/queue-store.js';

/**
 * The embedded queue measured through the real runtime: an AgentNode hosting one agent whose
 * skill does nothing, on a SQLite file in a temp directory, so every claim, dispatch, context
 * build, output validation and completion commit counts.
 */

export const SKILL = 'bench.noop';
const noopInput = z.object({ i: z.number().int() });

export interface EmbeddedSetup {
  system: System;
  /** Called at the first line of every handler with the task's id. */
  onStart: (taskId: string) => void;
  cleanup(): Promise<void>;
}

export async function openEmbedded(
  concurrency: number,
  overrides: ConfigInput['queue'] = {},
): Promise<EmbeddedSetup> {
  const home = mkdtempSync(join(tmpdir(), 'magna-bench-queue-'));
  const setup: EmbeddedSetup = {
    system: undefined as unknown as System,
    onStart: () => undefined,
    async cleanup() {
      await setup.system.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  const noop = defineSkill({
    name: SKILL,
    description: 'Does nothing (benchmark).',
    input: noopInput,
    output: z.object({}),
    async handler(_input, ctx) {
      setup.onStart(ctx.task.id);
      return {};
    },
  });
  const agent = defineAgent({
    name: 'bench',
    role: 'bench',
    description: 'No-op benchmark agent.',
    concurrency,
    skills: [noop],
  });
  setup.system = await openSystem({
    overrides: { home, log: { level: 'silent', format: 'json' }, queue: overrides },
    agents: [agent],
    builtins: false,
  });
  return setup;
}

/** Waits until `count` tasks of this system have succeeded. */
function succeeded(system: System, count: number): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    const off = system.events.on('task:succeeded', () => {
      if (++done === count) {
        off();
        resolve();
      }
    });
  });
}

export interface ThroughputFigures {
  enqueueMs: number;
  processMs: number;
  /** CPU time spent on it by every process involved (this one, and a server if there is one). */
  cpuMs: number;
}

/** CPU time (user + system) this process used since `start`, in ms. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Bulk enqueue `total` tasks in batches, then start a node and time until all succeeded. */
export async function embeddedThroughput(
  total: number,
  batch: number,
  concurrency: number,
): Promise<ThroughputFigures> {
  // A node claims up to its free capacity per round trip, capped by claimBatch: one claim per wave.
  const setup = await openEmbedded(concurrency, { claimBatch: concurrency });
  const { system } = setup;
  try {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let from = 0; from < total; from += batch) {
      const specs = [];
      for (let i = from; i < Math.min(total, from + batch); i++) specs.push({ skill: SKILL, input: { i } });
      await system.queue.enqueueMany(specs);
    }
    const t1 = performance.now();
    const all = succeeded(system, total);
    const node = system.createNode();
    await node.start();
    await all;
    const t2 = performance.now();
    const cpuMs = cpuSince(cpu);
    await node.stop();
    return { enqueueMs: t1 - t0, processMs: t2 - t1, cpuMs };
  } finally {
    await setup.cleanup();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Claim-to-start latency, in ms, of `samples` tasks enqueued one at a time every `intervalMs`.
 * `from`: 'local' enqueues through the node's own system (its enqueue event wakes the claim loop);
 * 'remote' enqueues through a second connection with its own event hub, as another process would,
 * so the node only finds the task by polling. `backlog`: low-priority no-op tasks queued before
 * the probes (priority 9) start, so the node is busy claiming and completing while they arrive.
 */
export async function embeddedLatency(options: {
  samples: number;
  intervalMs: number;
  from: 'local' | 'remote';
  backlog: number;
  concurrency: number;
}): Promise<number[]> {
  const setup = await openEmbedded(options.concurrency, { claimBatch: options.concurrency });
  const { system } = setup;
  let remote: { queue: TaskQueue; close(): void } | undefined;
  try {
    if (options.from === 'remote') {
      const db = openSqlite(databasePath(system.config));
      const catalog = new SkillCatalog();
      for (const skill of system.agentDefinitions.flatMap((a) => a.skills)) catalog.register(skill);
      remote = {
        queue: new TaskQueue(new SqliteQueueStore(db), catalog, new EventHub(), system.config.queue),
        close: () => db.close(),
      };
    }
    const enqueuer = remote?.queue ?? system.queue;
    const enqueuedAt = new Map<string, number>();
    const latencies: number[] = [];
    let probesDone: () => void = () => undefined;
    const allProbes = new Promise<void>((resolve) => {
      probesDone = resolve;
    });
    setup.onStart = (taskId) => {
      const at = enqueuedAt.get(taskId);
      if (at === undefined) return;
      latencies.push(performance.now() - at);
      if (latencies.length === options.samples) probesDone();
    };
    for (let from = 0; from < options.backlog; from += 1000) {
      const n = Math.min(1000, options.backlog - from);
      await system.queue.enqueueMany(
        Array.from({ length: n }, (_, k) => ({ skill: SKILL, input: { i: from + k }, priority: 0 })),
      );
    }
    const node = system.createNode();
    await node.start();
    if (options.backlog === 0) await sleep(100); // let the node settle into idle polling
    for (let i = 0; i < options.samples; i++) {
      const id = `probe-${i}`;
      // Stamped before the call: the task is claimable the moment its insert commits, inside it.
      enqueuedAt.set(id, performance.now());
      await enqueuer.enqueue({ id, skill: SKILL, input: { i }, priority: 9 });
      await sleep(options.intervalMs);
    }
    await allProbes;
    await node.stop();
    return latencies.sort((a, b) => a - b);
  } finally {
    remote?.close();
    await setup.cleanup();
  }
}
