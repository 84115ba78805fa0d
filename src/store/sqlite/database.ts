import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MagnaError } from '../../core/errors.js';
import type { MigrationReport } from '../admin-port.js';
import type { Migration } from '../migration.js';
import { sqliteError } from './errors.js';
import { CORRUPT_HINT, refuseCorrupt } from './integrity.js';
import { sqliteMigrations } from './migrations/index.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the embedded database and brings its schema up to date.
 * WAL lets readers run beside the one writer; synchronous=NORMAL keeps every committed
 * transaction across a killed process (the WAL is in the OS cache) and only risks the last
 * commits on a power cut, for roughly 10x cheaper commits than FULL.
 */
export function openSqlite(
  path: string,
  migrations: readonly Migration[] = sqliteMigrations,
): SqliteDatabase {
  const db = openSqliteConnection(path);
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Opens the database with its pragmas set, without touching the schema (`magnatronic migrate` does). */
export function openSqliteConnection(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (cause) {
    throw new MagnaError(
      'STORE_CORRUPT',
      `Cannot open ${path} as a SQLite database: ${(cause as Error).message}. ${CORRUPT_HINT}`,
      { cause },
    );
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (path !== ':memory:') {
    try {
      refuseCorrupt(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}

export function schemaVersion(db: SqliteDatabase): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies pending migrations, each in its own transaction; refuses a database from the future. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new MagnaError(
      'STORE_SCHEMA_TOO_NEW',
      `The database schema is version ${current}, newer than this Magnatronic knows (${latest}). Upgrade Magnatronic or restore a backup.`,
      { details: { databaseVersion: current, supportedVersion: latest } },
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: MigrationReport['applied'] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, Date.now());
      })();
    } catch (cause) {
      const error = sqliteError(cause, 'STORE_MIGRATION_FAILED');
      if (error.code === 'STORE_FULL') throw error;
      throw new MagnaError(
        'STORE_MIGRATION_FAILED',
        `Migration ${migration.version} (${migration.name}) failed: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    applied.push({ version: migration.version, name: migration.name });
  }
  return { from: current, to: Math.max(current, latest), applied };
}
