import { MagnaError } from '../../core/errors.js';
import type {
  BackupContents,
  BackupSummary,
  MigrationReport,
  RestoreSummary,
  StoreAdmin,
  StoreStatus,
} from '../admin-port.js';
import type { PgPool } from './connection.js';
import { migratePostgres, schemaVersionOf } from './migrate.js';
import { postgresMigrations } from './migrations/index.js';

/**
 * StoreAdmin on a PostgreSQL database. Backups of a shared server belong to PostgreSQL's own tools
 * (pg_dump, pg_basebackup with WAL archiving for point-in-time recovery), which see every
 * process's writes consistently; Magnatronic's file backup covers the embedded store only.
 */
export class PostgresStoreAdmin implements StoreAdmin {
  readonly dialect = 'postgres' as const;

  constructor(
    readonly location: string,
    private readonly pool: PgPool,
  ) {}

  async status(): Promise<StoreStatus> {
    return {
      dialect: this.dialect,
      location: this.location,
      schemaVersion: await schemaVersionOf(this.pool),
      latestVersion: postgresMigrations.at(-1)?.version ?? 0,
    };
  }

  migrate(): Promise<MigrationReport> {
    return migratePostgres(this.pool, postgresMigrations);
  }

  private unsupported(what: string): never {
    throw new MagnaError(
      'STORE_UNSUPPORTED',
      `${what} covers the embedded SQLite store; back up PostgreSQL with pg_dump or pg_basebackup (and the artifacts directory with it).`,
      { details: { dialect: this.dialect } },
    );
  }

  async backup(): Promise<BackupSummary> {
    return this.unsupported('magnatronic backup');
  }

  async verifyBackup(): Promise<BackupContents> {
    return this.unsupported('Backup verification');
  }

  async restore(): Promise<RestoreSummary> {
    return this.unsupported('magnatronic restore');
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
