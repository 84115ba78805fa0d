import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSystem } from '../src/runtime/system.js';
import { contentionAgent, contentionQueueOptions } from '../test/support/contention-agent.js';
import { type BenchOptions, type BenchResult, round } from './harness.js';

export const name = 'queue-home';

const NODE_SCRIPT = resolve('test/support/contention-node.ts');

function startNode(home: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_SCRIPT, home], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((ok, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ok();
    });
    child.once('exit', (code) => fail(new Error(`node exited ${code} before ready`)));
  });
  return { child, ready };
}

/**
 * Tasks per second with `processes` node processes on one home: the tasks are enqueued first, the
 * nodes started (timing starts when all are ready) and the clock stops when the last task has
 * succeeded, as read by this process polling the queue every 20 ms.
 */
async function throughput(tasks: number, processes: number): Promise<{ ms: number; perSecond: number }> {
  const home = mkdtempSync(join(tmpdir(), 'magna-bench-home-'));
  const system = await openSystem({
    overrides: { home, log: { level: 'silent' }, queue: contentionQueueOptions },
    agents: [contentionAgent()],
    builtins: false,
  });
  try {
    for (let i = 0; i < tasks; i += 1_000) {
      await system.queue.enqueueMany(
        Array.from({ length: Math.min(1_000, tasks - i) }, (_, k) => ({
          skill: 'contend.work',
          input: { n: i + k },
        })),
      );
    }
    const nodes = Array.from({ length: processes }, () => startNode(home));
    await Promise.all(nodes.map((n) => n.ready));
    const started = performance.now();
    while (true) {
      const counts = await system.queue.store.countByState();
      const done = counts.filter((c) => c.state === 'succeeded').reduce((n, c) => n + c.count, 0);
      if (done >= tasks) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => new Promise((r) => n.child.once('exit', r))));
    return { ms, perSecond: (tasks / ms) * 1000 };
  } finally {
    await system.close();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run(options: BenchOptions): Promise<BenchResult> {
  const tasks = options.quick ? 3_000 : 10_000;
  const rounds = options.quick ? 1 : 3;
  const one: number[] = [];
  const two: number[] = [];
  // Alternated rounds, so a load change on the machine falls on both sides.
  for (let r = 0; r < rounds; r++) {
    one.push((await throughput(tasks, 1)).perSecond);
    two.push((await throughput(tasks, 2)).perSecond);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(two) / median(one);
  return {
    name,
    rows: [
      { nodes: 1, tasks, rounds, 'tasks/s (median)': round(median(one), 1) },
      { nodes: 2, tasks, rounds, 'tasks/s (median)': round(median(two), 1) },
    ],
    verdicts: [
      `2 nodes / 1 node on one home, queue throughput ratio ${round(ratio, 2)}x (target >= 1x): ${ratio >= 1 ? 'met' : 'NOT met'}`,
    ],
    notes: [
      'method: no-op skill with one outbox effect per task, concurrency 16 per node; tasks enqueued first, clock from all nodes ready to the last task succeeded (polled every 20 ms); separate node processes under tsx on one SQLite home (WAL, one writer at a time)',
    ],
  };
}
