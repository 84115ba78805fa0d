import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, redactUrl } from '../../src/store/postgres/connection.js';
import { migratePostgres, schemaVersionOf } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import { CLI_TEST_TIMEOUT, cli } from '../support/cli.js';
import { createTestDatabase, postgresConfig, type TestDatabase } from '../support/postgres.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('PostgreSQL migrations', () => {
  it('apply each migration once when several processes start together (advisory lock)', async () => {
    const url = await database.schema();
    const pools = [0, 1, 2].map(() => createPool(postgresConfig(url)));
    try {
      const reports = await Promise.all(pools.map((pool) => migratePostgres(pool, postgresMigrations)));
      const applied = reports.map((r) => r.applied.length).sort();
      expect(applied).toEqual([0, 0, postgresMigrations.length]);
      const { rows } = await pools[0]!.query(
        'SELECT version, count(*)::integer AS n FROM schema_migrations GROUP BY version',
      );
      expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
      expect(await schemaVersionOf(pools[0]!)).toBe(postgresMigrations.at(-1)!.version);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuse a database whose schema is newer than this build, and roll back a failing migration whole', async () => {
    const pool = createPool(postgresConfig(await database.schema()));
    try {
      await migratePostgres(pool, postgresMigrations);
      await expect(migratePostgres(pool, postgresMigrations.slice(0, 2))).rejects.toMatchObject({
        code: 'STORE_SCHEMA_TOO_NEW',
      });
      const broken = {
        version: postgresMigrations.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half (x int); SELECT nope;',
      };
      await expect(migratePostgres(pool, [...postgresMigrations, broken])).rejects.toMatchObject({
        code: 'STORE_MIGRATION_FAILED',
      });
      const { rows } = await pool.query(`SELECT to_regclass('half') AS t`);
      expect(rows[0].t).toBeNull();
      expect(await schemaVersionOf(pool)).toBe(postgresMigrations.length);
    } finally {
      await pool.end();
    }
  });

  it('never shows the password of the database URL', () => {
    expect(redactUrl('postgres://magna:s3cret@db.example:5432/magna?sslmode=verify-full')).toBe(
      'postgres://magna:***@db.example:5432/magna?sslmode=verify-full',
    );
  });

  it(
    '`magnatronic migrate` applies the schema, then reports it up to date',
    async () => {
      const url = await database.schema();
      const cwd = mkdtempSync(join(tmpdir(), 'magna-migrate-'));
      try {
        const env = { MAGNA_DATABASE_URL: url, MAGNA_HOME: join(cwd, 'home') };
        const first = cli(['migrate', '--json'], { cwd, env });
        expect(first.code, first.stderr).toBe(0);
        const report = JSON.parse(first.stdout);
        expect(report).toMatchObject({ dialect: 'postgres', from: 0, to: postgresMigrations.length });
        const second = cli(['migrate'], { cwd, env });
        expect(second.stdout).toContain('up to date');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
    CLI_TEST_TIMEOUT,
  );
});
