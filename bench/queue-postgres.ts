import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type BenchOptions, type BenchResult, percentile, round } from './harness.js';
import { bullmqThroughput, redisAvailable } from './queue-bullmq.js';
import type { ThroughputFigures } from './queue-embedded.js';
import { benchDatabase, openPgSystem, PG_SKILL } from './queue-postgres-setup.js';

/**
 * The queue in PostgreSQL mode, in one run:
 * - throughput: bulk enqueue N tasks, then a real AgentNode (no-op agent) claims, runs and
 *   completes them; beside BullMQ on the local Redis and a bare SKIP LOCKED loop on the same
 *   server (the floor of what any PostgreSQL queue pays), same N, batch and concurrency.
 * - claim-to-start latency when another process enqueues: a worker system and a submitter system
 *   with separate pools and event hubs (the wake-up travels through LISTEN/NOTIFY on the server,
 *   exactly as between processes), tasks one at a time at a steady rate.
 * - throughput with 1, 2 and 4 worker processes (child processes, each its own pool).
 * Targets (issue 13): PostgreSQL-mode throughput >= 1x BullMQ; cross-process p99 <= 5 ms.
 */
export const name = 'queue-postgres';

export async function run(options: BenchOptions): Promise<BenchResult> {
  const size = options.quick
    ? { total: 5_000, batch: 1_000, samples: 200, workersTotal: 5_000 }
    : { total: 20_000, batch: 1_000, samples: 1_000, workersTotal: 20_000 };
  const concurrency = 64;
  const rows: BenchResult['rows'] = [];
  const verdicts: string[] = [];
  const notes: string[] = [
    `N=${size.total}, enqueue batches of ${size.batch}, concurrency ${concurrency} everywhere; PostgreSQL 127.0.0.1:5432 as configured on the machine, a fresh database per run`,
    'tasks/CPU-s counts this process only (the PostgreSQL server and Redis are not included here)',
  ];
  const db = await benchDatabase();
  try {
    await pgThroughput(db.url, 1_000, size.batch, concurrency); // warm-up, not reported
    const pgFigures = await pgThroughput(db.url, size.total, size.batch, concurrency);
    rows.push(throughputRow('PostgreSQL mode (AgentNode)', size.total, pgFigures));
    const bare = await bareSkipLocked(db.url, size.total, size.batch, concurrency);
    rows.push(throughputRow('bare SKIP LOCKED loop (same server)', size.total, bare));
    const redis = await redisAvailable();
    let bull: ThroughputFigures | undefined;
    if (redis) {
      await bullmqThroughput(1_000, size.batch, concurrency);
      bull = await bullmqThroughput(size.total, size.batch, concurrency);
      rows.push(throughputRow('BullMQ (Redis)', size.total, bull));
    } else notes.push('Redis did not answer: BullMQ peer skipped');
    const ours = endToEnd(size.total, pgFigures);
    if (bull) {
      const ratio = ours / endToEnd(size.total, bull);
      verdicts.push(
        `PostgreSQL-mode/BullMQ end-to-end throughput ${round(ratio, 2)}x (target >= 1x): ${ratio >= 1 ? 'met' : 'NOT met'}`,
      );
    }
    verdicts.push(`PostgreSQL-mode / bare SKIP LOCKED loop: ${round(ours / endToEnd(size.total, bare), 2)}x`);

    const latency = await crossProcessLatency(db.url, size.samples, 5, concurrency);
    rows.push(
      latencyRow('claim-to-start from the enqueue call, another process (LISTEN/NOTIFY)', latency.fromCall),
    );
    rows.push(
      latencyRow('claim-to-start from the commit acknowledgement, another process', latency.fromCommit),
    );
    rows.push(
      latencyRow(
        'one durable single-row commit on this server (WAL flush)',
        await commitLatency(db.url, 100),
      ),
    );
    for (const [label, sorted] of [
      ['from the enqueue call', latency.fromCall],
      ['from the commit acknowledgement', latency.fromCommit],
    ] as const) {
      const p99 = percentile(sorted, 99);
      verdicts.push(
        `cross-process claim-to-start p99 ${label} ${round(p99, 2)} ms (target <= 5 ms): ${p99 <= 5 ? 'met' : 'NOT met'}`,
      );
    }

    const perWorkers: number[] = [];
    for (const workers of [1, 2, 4]) {
      const rate = await multiWorker(db.url, workers, size.workersTotal, size.batch, concurrency);
      perWorkers.push(rate);
      rows.push({
        ...emptyRow(),
        measure: `throughput, ${workers} worker process(es)`,
        'end-to-end/s': Math.round(rate),
      });
    }
    notes.push(
      `workers scale ${perWorkers.map((r) => round(r / perWorkers[0]!, 2)).join(' / ')}x for 1 / 2 / 4 processes; they share the machine's cores with the server (and anything else running)`,
    );
  } finally {
    await db.drop();
  }
  return { name, rows, verdicts, notes };
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

async function pgThroughput(
  url: string,
  total: number,
  batch: number,
  concurrency: number,
): Promise<ThroughputFigures> {
  const setup = await openPgSystem(url, concurrency);
  const { system } = setup;
  try {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let from = 0; from < total; from += batch) {
      const specs = [];
      for (let i = from; i < Math.min(total, from + batch); i++)
        specs.push({ skill: PG_SKILL, input: { i } });
      await system.queue.enqueueMany(specs);
    }
    const t1 = performance.now();
    let done = 0;
    const all = new Promise<void>((resolve) => {
      const off = system.events.on('task:succeeded', () => {
        if (++done === total) {
          off();
          resolve();
        }
      });
    });
    const node = system.createNode();
    await node.start();
    await all;
    const t2 = performance.now();
    const cpuMs = cpuSince(cpu);
    await node.stop();
    return { enqueueMs: t1 - t0, processMs: t2 - t1, cpuMs };
  } finally {
    await setup.close();
  }
}

/**
 * The floor: a table of jobs, bulk inserts, and `concurrency / 32` loops each claiming 32 rows
 * with FOR UPDATE SKIP LOCKED and marking them done in one UPDATE; no fencing, no events, no
 * handler, no dependencies.
 */
async function bareSkipLocked(
  url: string,
  total: number,
  batch: number,
  concurrency: number,
): Promise<ThroughputFigures> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  try {
    await pool.query(`DROP TABLE IF EXISTS bare_jobs;
      CREATE TABLE bare_jobs (id bigserial PRIMARY KEY, state text NOT NULL, payload json NOT NULL, worker text);
      CREATE INDEX bare_jobs_ready ON bare_jobs(id) WHERE state = 'queued'`);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let from = 0; from < total; from += batch) {
      const payloads = [];
      for (let i = from; i < Math.min(total, from + batch); i++) payloads.push(JSON.stringify({ i }));
      await pool.query(
        `INSERT INTO bare_jobs (state, payload) SELECT 'queued', p::json FROM unnest($1::text[]) AS p`,
        [payloads],
      );
    }
    const t1 = performance.now();
    const loops = Math.max(1, Math.floor(concurrency / 32));
    await Promise.all(
      Array.from({ length: loops }, async (_, k) => {
        for (;;) {
          const { rows } = await pool.query<{ id: string }>(
            `WITH picked AS (SELECT id FROM bare_jobs WHERE state = 'queued' ORDER BY id LIMIT 32 FOR UPDATE SKIP LOCKED)
             UPDATE bare_jobs j SET state = 'running', worker = $1 FROM picked WHERE j.id = picked.id RETURNING j.id`,
            [`w${k}`],
          );
          if (rows.length === 0) return;
          await pool.query(`UPDATE bare_jobs SET state = 'done' WHERE id = ANY($1::bigint[])`, [
            rows.map((r) => r.id),
          ]);
        }
      }),
    );
    const t2 = performance.now();
    return { enqueueMs: t1 - t0, processMs: t2 - t1, cpuMs: cpuSince(cpu) };
  } finally {
    await pool.query('DROP TABLE IF EXISTS bare_jobs').catch(() => undefined);
    await pool.end();
  }
}

/**
 * Claim-to-start when another process enqueues, two ways: from the enqueue call (includes the
 * submitter's own durable commit) and from the commit's acknowledgement to the submitter (a start
 * that beats the acknowledgement counts as 0 ms).
 */
async function crossProcessLatency(
  url: string,
  samples: number,
  intervalMs: number,
  concurrency: number,
): Promise<{ fromCall: number[]; fromCommit: number[] }> {
  const worker = await openPgSystem(url, concurrency);
  const submitter = await openPgSystem(url, concurrency);
  try {
    const started = new Map<string, number>();
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => {
      finish = resolve;
    });
    worker.onStart = (taskId) => {
      if (!taskId.startsWith('probe-')) return;
      started.set(taskId, performance.now());
      if (started.size === samples) finish();
    };
    const node = worker.system.createNode();
    await node.start();
    await new Promise((r) => setTimeout(r, 200)); // idle, waiting on its poll or a notification
    const called = new Map<string, number>();
    const committed = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      const id = `probe-${i}-${Date.now().toString(36)}`;
      called.set(id, performance.now());
      await submitter.system.queue.enqueue({ id, skill: PG_SKILL, input: { i }, priority: 9 });
      committed.set(id, performance.now());
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    await all;
    await node.stop();
    const fromCall = [...started].map(([id, at]) => at - called.get(id)!);
    const fromCommit = [...started].map(([id, at]) => Math.max(0, at - committed.get(id)!));
    return { fromCall: fromCall.sort((a, b) => a - b), fromCommit: fromCommit.sort((a, b) => a - b) };
  } finally {
    await submitter.close();
    await worker.close();
  }
}

/** The server's cost of one durable single-row commit (the WAL flush), as context for the latencies. */
async function commitLatency(url: string, samples: number): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bench_commit (x integer)');
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await client.query('INSERT INTO bench_commit VALUES ($1)', [i]);
      times.push(performance.now() - t);
    }
    await client.query('DROP TABLE bench_commit');
    return times.sort((a, b) => a - b);
  } finally {
    await client.end();
  }
}

async function startWorker(url: string, concurrency: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/queue-postgres-worker.ts', url, String(concurrency)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  while (!out.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/** Tasks per second from the first enqueue to the last success, with `workers` worker processes running. */
async function multiWorker(
  url: string,
  workers: number,
  total: number,
  batch: number,
  concurrency: number,
): Promise<number> {
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(url, concurrency)));
  const submitter = await openPgSystem(url, concurrency);
  try {
    const before = await succeededCount(submitter.system.queue.store);
    const t0 = performance.now();
    for (let from = 0; from < total; from += batch) {
      const specs = [];
      for (let i = from; i < Math.min(total, from + batch); i++)
        specs.push({ skill: PG_SKILL, input: { i } });
      await submitter.system.queue.enqueueMany(specs);
    }
    while ((await succeededCount(submitter.system.queue.store)) - before < total) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return total / ((performance.now() - t0) / 1000);
  } finally {
    await submitter.close();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  }
}

async function succeededCount(store: { countByState(): Promise<Array<{ state: string; count: number }>> }) {
  return (await store.countByState()).filter((c) => c.state === 'succeeded').reduce((n, c) => n + c.count, 0);
}

function endToEnd(total: number, f: ThroughputFigures): number {
  return total / ((f.enqueueMs + f.processMs) / 1000);
}

function emptyRow(): Record<string, string | number> {
  return {
    measure: '',
    'enqueue/s': '',
    'process/s': '',
    'end-to-end/s': '',
    'tasks/CPU-s': '',
    'p50 ms': '',
    'p99 ms': '',
  };
}

function throughputRow(label: string, total: number, f: ThroughputFigures): Record<string, string | number> {
  return {
    ...emptyRow(),
    measure: `throughput: ${label}`,
    'enqueue/s': Math.round(total / (f.enqueueMs / 1000)),
    'process/s': Math.round(total / (f.processMs / 1000)),
    'end-to-end/s': Math.round(endToEnd(total, f)),
    'tasks/CPU-s': Math.round(total / (f.cpuMs / 1000)),
  };
}

function latencyRow(label: string, sorted: number[]): Record<string, string | number> {
  return {
    ...emptyRow(),
    measure: label,
    'p50 ms': round(percentile(sorted, 50), 3),
    'p99 ms': round(percentile(sorted, 99), 3),
  };
}
