import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../src/agents/sdk.js';
import { openSystem, type System } from '../src/runtime/system.js';

/** The machine's PostgreSQL; every run makes its own database and drops it. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const PG_SKILL = 'bench.pgnoop';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const name = `magna_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface PgSystem {
  system: System;
  onStart: (taskId: string) => void;
  close(): Promise<void>;
}

/** A system on PostgreSQL (`url`) hosting one no-op agent, as one worker process would. */
export async function openPgSystem(url: string, concurrency: number, pollMs = 50): Promise<PgSystem> {
  const home = mkdtempSync(join(tmpdir(), 'magna-bench-pg-'));
  const setup: PgSystem = {
    system: undefined as unknown as System,
    onStart: () => undefined,
    async close() {
      await setup.system.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  const noop = defineSkill({
    name: PG_SKILL,
    description: 'Does nothing (benchmark).',
    input: z.object({ i: z.number().int() }),
    output: z.object({}),
    async handler(_input, ctx) {
      setup.onStart(ctx.task.id);
      return {};
    },
  });
  setup.system = await openSystem({
    overrides: {
      home,
      log: { level: 'silent', format: 'json' },
      database: { url, poolSize: 8 },
      queue: { claimBatch: concurrency, pollMs },
    },
    agents: [
      defineAgent({ name: 'bench', role: 'bench', description: 'No-op.', concurrency, skills: [noop] }),
    ],
    builtins: false,
  });
  return setup;
}
