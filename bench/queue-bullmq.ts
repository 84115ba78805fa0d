import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { cpuSince, type ThroughputFigures } from './queue-embedded.js';

/**
 * The peer: the same workload on BullMQ against the local Redis. Jobs are kept after completion
 * (BullMQ's default, like the embedded queue keeps finished rows until retention prunes them).
 * Each run uses a fresh queue name and obliterates its keys afterwards.
 */

export const REDIS = { host: '127.0.0.1', port: 6379 };

function queueName(label: string): string {
  return `magna-bench-${label}-${process.pid}-${Date.now().toString(36)}`;
}

async function withQueue<T>(label: string, fn: (queue: Queue, name: string) => Promise<T>): Promise<T> {
  const name = queueName(label);
  const queue = new Queue(name, { connection: REDIS });
  try {
    await queue.obliterate({ force: true });
    return await fn(queue, name);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** The Redis server's own CPU time so far (INFO used_cpu_user + used_cpu_sys), in ms. */
function redisCpuMs(info: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** Redis answers a PING within a second, or the peer is skipped with a note. */
export async function redisAvailable(): Promise<boolean> {
  const queue = new Queue(queueName('ping'), {
    connection: { ...REDIS, connectTimeout: 1000, maxRetriesPerRequest: 1, retryStrategy: () => null },
  });
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timeout')), 1500).unref(),
    );
    await Promise.race([queue.getJobCounts(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    await queue.close().catch(() => undefined);
  }
}

export async function bullmqThroughput(
  total: number,
  batch: number,
  concurrency: number,
): Promise<ThroughputFigures> {
  return withQueue('tput', async (queue, name) => {
    const client = await queue.client;
    const redisCpu0 = redisCpuMs(await client.info());
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let from = 0; from < total; from += batch) {
      const jobs = [];
      for (let i = from; i < Math.min(total, from + batch); i++) jobs.push({ name: 'noop', data: { i } });
      await queue.addBulk(jobs);
    }
    const t1 = performance.now();
    let done = 0;
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const worker = new Worker(name, async () => ({}), { connection: REDIS, concurrency, autorun: false });
    worker.on('completed', () => {
      if (++done === total) finish();
    });
    void worker.run();
    await all;
    const t2 = performance.now();
    const cpuMs = cpuSince(cpu) + redisCpuMs(await client.info()) - redisCpu0;
    await worker.close();
    return { enqueueMs: t1 - t0, processMs: t2 - t1, cpuMs };
  });
}

/** Enqueue-to-processor-start latency of jobs added one at a time to an idle worker, in ms. */
export async function bullmqLatency(
  samples: number,
  intervalMs: number,
  concurrency: number,
): Promise<number[]> {
  return withQueue('lat', async (queue, name) => {
    const enqueuedAt = new Map<string, number>();
    const latencies: number[] = [];
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const worker = new Worker(
      name,
      async (job) => {
        const at = enqueuedAt.get(job.id ?? '');
        if (at !== undefined) latencies.push(performance.now() - at);
        if (latencies.length === samples) finish();
        return {};
      },
      { connection: REDIS, concurrency },
    );
    await worker.waitUntilReady();
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < samples; i++) {
      const jobId = `probe-${i}`;
      enqueuedAt.set(jobId, performance.now());
      await queue.add('noop', { i }, { jobId });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await all;
    await worker.close();
    return latencies.sort((a, b) => a - b);
  });
}
