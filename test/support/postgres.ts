import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/core/config.js';
import type { DatabaseConfig } from '../../src/store/stores.js';

/** The machine's PostgreSQL (trust auth); each test file makes its own database on it and drops it. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  url: string;
  /** A URL whose connections use schema `schema` (created here), for one test's own tables. */
  schema(): Promise<string>;
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A uniquely named database, so engineers' and CI's concurrent test runs never share tables.
 * drop() removes it even while connections linger (WITH (FORCE), PostgreSQL 13+).
 */
export async function createTestDatabase(prefix = 'magna_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = urlFor(name);
  return {
    name,
    url,
    async schema() {
      const schema = `s_${randomBytes(4).toString('hex')}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await client.end();
      }
      const scoped = new URL(url);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      return scoped.toString();
    },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A validated config pointing at `url`, as the stores receive it. */
export function postgresConfig(
  url: string,
  extra: { caFile?: string; poolSize?: number } = {},
): DatabaseConfig {
  return loadConfig({ env: {}, overrides: { home: '/nonexistent', database: { url, ...extra } } });
}
