import { MagnaError } from '../../core/errors.js';
import type { MigrationReport } from '../admin-port.js';
import type { Migration } from '../migration.js';
import type { PgClient, PgPool } from './connection.js';
import { postgresError } from './errors.js';

/**
 * Key of the session advisory lock that serialises migrations: several processes starting at once
 * (a rolling deploy, three workers) apply each migration exactly once, the others wait for it.
 * ('magn' as a 32-bit integer.)
 */
const MIGRATION_LOCK = 0x6d61676e;

export async function schemaVersionOf(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0
       ELSE (SELECT max(version) FROM schema_migrations) END AS v`,
  );
  return rows[0]?.v ?? 0;
}

/**
 * Applies pending migrations under the advisory lock, each in its own transaction (PostgreSQL's
 * DDL is transactional, so a failed migration leaves nothing behind). Refuses a database whose
 * schema is newer than this build: an old worker must not write to a schema it does not know.
 */
export async function migratePostgres(
  pool: PgPool,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  let client: PgClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw postgresError(error, 'UNAVAILABLE');
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM schema_migrations',
      );
      const current = rows[0]?.v ?? 0;
      const latest = migrations.at(-1)?.version ?? 0;
      if (current > latest) {
        throw new MagnaError(
          'STORE_SCHEMA_TOO_NEW',
          `The database schema is version ${current}, newer than this Magnatronic knows (${latest}). Upgrade Magnatronic.`,
          { details: { databaseVersion: current, supportedVersion: latest } },
        );
      }
      const applied: MigrationReport['applied'] = [];
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        try {
          await client.query('BEGIN');
          await client.query(migration.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [migration.version, migration.name, Date.now()],
          );
          await client.query('COMMIT');
        } catch (cause) {
          await client.query('ROLLBACK').catch(() => undefined);
          const mapped = postgresError(cause, 'STORE_MIGRATION_FAILED');
          if (mapped.code !== 'STORE_MIGRATION_FAILED') throw mapped;
          throw new MagnaError(
            'STORE_MIGRATION_FAILED',
            `Migration ${migration.version} (${migration.name}) failed: ${(cause as Error).message}`,
            { cause },
          );
        }
        applied.push({ version: migration.version, name: migration.name });
      }
      return { from: current, to: Math.max(current, latest), applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } catch (error) {
    throw postgresError(error);
  } finally {
    client.release();
  }
}
