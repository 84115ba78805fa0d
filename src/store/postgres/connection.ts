import { readFileSync } from 'node:fs';
import pg from 'pg';
import { MagnaError } from '../../core/errors.js';
import type { DatabaseConfig } from '../stores.js';
import { postgresError } from './errors.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;
/** Anything that runs a query: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** int8 (epoch milliseconds, counts) as numbers: every value the stores keep fits in 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** The URL without its password, for status output and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Connection settings for the configured database. TLS comes from the URL (`sslmode=verify-full`,
 * `sslrootcert=...`) or from `database.caFile`, which turns on verification of the server's
 * certificate chain and host name.
 */
export function connectionOptions(config: DatabaseConfig): pg.PoolConfig {
  const url = config.database.url;
  if (!url) throw new MagnaError('CONFIG_INVALID', 'database.url is not set.');
  let ssl: pg.PoolConfig['ssl'];
  if (config.database.caFile) {
    let ca: string;
    try {
      ca = readFileSync(config.database.caFile, 'utf8');
    } catch (cause) {
      throw new MagnaError('CONFIG_INVALID', `Cannot read database.caFile ${config.database.caFile}.`, {
        cause,
        details: { file: config.database.caFile },
      });
    }
    ssl = { ca, rejectUnauthorized: true };
  }
  return {
    connectionString: url,
    ...(ssl ? { ssl } : {}),
    types,
    // A query waits for a connection at most this long before reporting UNAVAILABLE.
    connectionTimeoutMillis: 10_000,
    application_name: 'magnatronic',
  };
}

/**
 * A connection pool for the configured database. Idle connections the server drops (a restart)
 * are replaced on the next query, so the pool reconnects by itself; queries made while the server
 * is down fail with UNAVAILABLE.
 */
export function createPool(
  config: DatabaseConfig,
  onError?: (error: Error) => void,
  tuning: { asyncCommit?: boolean; max?: number } = {},
): PgPool {
  const pool = new pg.Pool({
    ...connectionOptions(config),
    max: tuning.max ?? config.database.poolSize,
    idleTimeoutMillis: 30_000,
    // Commits that need not survive a server crash return before the WAL is flushed.
    ...(tuning.asyncCommit ? { options: '-c synchronous_commit=off' } : {}),
  });
  // An idle client whose server went away emits here; without a listener the process would exit.
  pool.on('error', (error) => onError?.(error));
  return pool;
}

/** Runs `fn` in one transaction on one client; rolls back on error and maps driver errors. */
export async function transaction<T>(
  pool: PgPool,
  fn: (client: PgClient) => Promise<T>,
  isolation: 'READ COMMITTED' | 'SERIALIZABLE' = 'READ COMMITTED',
): Promise<T> {
  let client: PgClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw postgresError(error, 'UNAVAILABLE');
  }
  let broken: Error | undefined;
  try {
    await client.query(isolation === 'READ COMMITTED' ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${isolation}`);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw postgresError(error);
  } finally {
    // A client whose rollback failed has a dead or confused connection: destroy it, not reuse it.
    client.release(broken);
  }
}

/** One autocommit query with driver errors mapped. */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  try {
    return (await db.query(text, values)) as pg.QueryResult<R>;
  } catch (error) {
    throw postgresError(error);
  }
}

/** The database server's clock in epoch milliseconds, as SQL: leases are timed by it, not by hosts. */
export const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
