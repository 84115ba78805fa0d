import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openSqlite, schemaVersion } from '../../src/store/sqlite/database.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'magna-store-')), 'db.sqlite');

describe('sqlite store migrations', () => {
  it('applies every migration once and records the version', () => {
    const path = file();
    const db = openSqlite(path);
    expect(schemaVersion(db)).toBe(sqliteMigrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openSqlite(path);
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: sqliteMigrations.length,
    });
    again.close();
  });

  it('refuses a database written by a newer version, leaving it untouched', () => {
    const path = file();
    openSqlite(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(999, 'from the future', Date.now());
    raw.close();
    expect(() => openSqlite(path)).toThrowError(expect.objectContaining({ code: 'STORE_SCHEMA_TOO_NEW' }));
    const check = new Database(path);
    expect((check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
      999,
    );
    check.close();
  });

  it('rolls back a failing migration as a whole', () => {
    const db = new Database(':memory:');
    const broken = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);' },
    ];
    expect(() => migrate(db, broken)).toThrowError(
      expect.objectContaining({ code: 'STORE_MIGRATION_FAILED' }),
    );
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
  });

  it('refuses a file that is not a database', () => {
    const path = file();
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    expect(() => openSqlite(path)).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }));
  });
});
