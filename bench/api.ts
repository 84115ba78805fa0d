import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../src/agents/sdk.js';
import { installSecurityHeaders } from '../src/api/security-headers.js';
import { buildApiServer } from '../src/api/server.js';
import { silentLogger } from '../src/observability/logger.js';
import { openSystem } from '../src/runtime/system.js';
import { type BenchOptions, type BenchResult, round } from './harness.js';

export const name = 'api';

/** Authenticated mission submission must reach this share of bare Fastify's request rate. */
const TARGET_RATIO = 0.25;
/** Concurrent connections: enough to keep one Node process busy without queueing for seconds. */
const CONNECTIONS = 10;

const benchAgent = defineAgent({
  name: 'bench',
  role: 'bench',
  description: 'A skill for the API benchmark; never run (no node is started).',
  skills: [
    defineSkill({
      name: 'bench.noop',
      description: 'Does nothing.',
      input: z.object({ goal: z.string() }),
      output: z.object({}),
      handler: async () => ({}),
    }),
  ],
});

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(
  url: string,
  seconds: number,
  request: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<Figures> {
  // The load generator runs in a worker thread so it does not share the server's event loop.
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    workers: 1,
    method: request.method ?? 'GET',
    headers: { ...(request.body ? { 'content-type': 'application/json' } : {}), ...request.headers },
    ...(request.body ? { body: request.body } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * HTTP API throughput with autocannon, beside a bare Fastify hello-world measured in the same run
 * on the same machine (the reference): GET /healthz (no auth), GET /tasks (API key, 20 tasks as
 * JSON) and POST /missions (API key, validation, planning, one mission row and its task
 * committed, one audit record appended with its hash). The full stack runs as configured:
 * helmet, rate limiting (limit raised out of the way), audit, metrics.
 */
export async function run(options: BenchOptions): Promise<BenchResult> {
  const seconds = options.quick ? 2 : 5;
  const rounds = 3;
  const home = mkdtempSync(join(tmpdir(), 'magna-bench-api-'));
  const bare = Fastify({ logger: false });
  bare.get('/', async () => ({ hello: 'world' }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/`;
  // Bare Fastify with the plugins every API request passes through (the security headers taken
  // from @fastify/helmet, rate limiting per caller), so what the API adds beyond them is visible.
  const plugged = Fastify({ logger: false });
  await installSecurityHeaders(plugged);
  await plugged.register(rateLimit, {
    global: true,
    max: 1_000_000_000,
    timeWindow: 60_000,
    hook: 'preHandler',
  });
  plugged.get('/', async () => ({ hello: 'world' }));
  await plugged.listen({ host: '127.0.0.1', port: 0 });
  const pluggedUrl = `http://127.0.0.1:${(plugged.server.address() as { port: number }).port}/`;

  const system = await openSystem({
    overrides: { home, log: { level: 'silent' }, server: { rateLimitPerMinute: 1_000_000_000 } },
    logger: silentLogger(),
    builtins: false,
    agents: [benchAgent],
    templates: [
      {
        name: 'bench',
        description: 'One no-op task.',
        example: 'bench',
        matches: () => true,
        plan: (goal) => ({
          template: 'bench',
          steps: [{ key: 'noop', skill: 'bench.noop', input: { goal } }],
        }),
      },
    ],
  });
  const app = await buildApiServer(system);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const { key } = await system.security.keys.create({ role: 'operator', createdBy: 'bench' });
  const auth = { authorization: `Bearer ${key}` };
  for (let i = 0; i < 20; i++)
    await system.queue.enqueue({ skill: 'bench.noop', input: { goal: `seed ${i}` } });

  try {
    // Warm-up: JIT, the verified-key cache, prepared statements.
    await load(`${base}/tasks?limit=20`, 1, { headers: auth });
    const cases: Array<{ label: string; run: () => Promise<Figures> }> = [
      { label: 'peer: bare Fastify GET / (hello world)', run: () => load(bareUrl, seconds) },
      {
        label: 'peer: bare Fastify + security headers + rate limit GET /',
        run: () => load(pluggedUrl, seconds),
      },
      { label: 'GET /healthz', run: () => load(`${base}/healthz`, seconds) },
      {
        label: 'GET /tasks?limit=20 (API key)',
        run: () => load(`${base}/tasks?limit=20`, seconds, { headers: auth }),
      },
      {
        label: 'POST /missions (API key, audited)',
        run: () =>
          load(`${base}/missions`, seconds, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ goal: 'benchmark a mission submission' }),
          }),
      },
    ];
    // Rounds interleave the cases, so a change in the machine's load hits every case alike; each
    // case reports its median round.
    const results: Figures[][] = cases.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const [i, c] of cases.entries()) results[i]!.push(await c.run());
    }
    const medians = results.map((figures) => {
      const sorted = [...figures].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
      return {
        ...sorted[Math.floor(sorted.length / 2)]!,
        errors: figures.reduce((sum, f) => sum + f.errors, 0),
        non2xx: figures.reduce((sum, f) => sum + f.non2xx, 0),
      };
    });
    const reference = medians[0]!;
    const withPlugins = medians[1]!;
    const tasks = medians[3]!;
    const missions = medians[4]!;
    const ratio = missions.requestsPerSecond / reference.requestsPerSecond;
    const tasksRatio = tasks.requestsPerSecond / reference.requestsPerSecond;
    const created = (await system.missions.list({ limit: 1 })).length;
    return {
      name,
      rows: cases.map((c, i) => ({
        case: c.label,
        'req/s': round(medians[i]!.requestsPerSecond, 0),
        'p50 ms': medians[i]!.p50,
        'p99 ms': medians[i]!.p99,
        'vs bare': `${round((medians[i]!.requestsPerSecond / reference.requestsPerSecond) * 100, 1)}%`,
        'vs bare + plugins': `${round((medians[i]!.requestsPerSecond / withPlugins.requestsPerSecond) * 100, 1)}%`,
        errors: medians[i]!.errors + medians[i]!.non2xx,
      })),
      verdicts: [
        `authenticated POST /missions at ${round(ratio * 100, 1)}% of bare Fastify (target >= ${TARGET_RATIO * 100}%): ${
          ratio >= TARGET_RATIO && missions.non2xx === 0 && created > 0 ? 'met' : 'NOT met'
        }`,
        `authenticated GET /tasks?limit=20 at ${round(tasksRatio * 100, 1)}% of bare Fastify (target >= ${TARGET_RATIO * 100}%): ${
          tasksRatio >= TARGET_RATIO && tasks.non2xx === 0 ? 'met' : 'NOT met'
        }`,
      ],
      notes: [
        `${CONNECTIONS} connections, ${rounds} interleaved rounds of ${seconds} s per case (median shown), autocannon in a worker thread of the same process`,
        'API keys are verified with scrypt once per process, then by SHA-256 against an in-memory cache plus one indexed read of revoked_at',
      ],
    };
  } finally {
    await app.close();
    await bare.close();
    await plugged.close();
    await system.close();
    rmSync(home, { recursive: true, force: true });
  }
}
