import { MagnaError } from '../../core/errors.js';
import type {
  BackupContents,
  BackupSummary,
  MigrationReport,
  RestoreSummary,
  StoreAdmin,
  StoreStatus,
} from '../admin-port.js';
import { createBackup, restoreBackup, verifyBackup } from './backup.js';
import { migrate, openSqliteConnection, type SqliteDatabase, schemaVersion } from './database.js';
import { sqliteMigrations } from './migrations/index.js';

/**
 * StoreAdmin on the embedded database file. With `connection` it works on the open database of a
 * running system; without one (restore, migrate, status of a stopped home) it opens the file for
 * the one operation and closes it again.
 */
export class SqliteStoreAdmin implements StoreAdmin {
  readonly dialect = 'sqlite' as const;

  constructor(
    readonly location: string,
    private readonly connection?: SqliteDatabase,
  ) {}

  private withDb<T>(fn: (db: SqliteDatabase) => T): T {
    if (this.connection) return fn(this.connection);
    const db = openSqliteConnection(this.location);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  async status(): Promise<StoreStatus> {
    const version = this.withDb((db) => {
      const known = db
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`)
        .get();
      return known ? schemaVersion(db) : 0;
    });
    return {
      dialect: this.dialect,
      location: this.location,
      schemaVersion: version,
      latestVersion: sqliteMigrations.at(-1)?.version ?? 0,
    };
  }

  async migrate(): Promise<MigrationReport> {
    return this.withDb((db) => migrate(db, sqliteMigrations));
  }

  async backup(options: { target: string; artifactsRoot: string }): Promise<BackupSummary> {
    if (this.connection) return createBackup(this.connection, options);
    const db = openSqliteConnection(this.location);
    try {
      return await createBackup(db, options);
    } finally {
      db.close();
    }
  }

  verifyBackup(file: string): Promise<BackupContents> {
    return verifyBackup(file, sqliteMigrations);
  }

  async restore(file: string, options: { home: string; force: boolean }): Promise<RestoreSummary> {
    if (this.connection) {
      throw new MagnaError('CONFLICT', 'Restore replaces the database file; stop the system using it first.');
    }
    return restoreBackup(file, { home: options.home, force: options.force, migrations: sqliteMigrations });
  }

  async ping(): Promise<boolean> {
    try {
      this.withDb((db) => db.prepare('SELECT 1').get());
      return true;
    } catch {
      return false;
    }
  }
}
