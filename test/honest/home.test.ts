import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import { openSystem } from '../../src/runtime/system.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { cli } from '../support/cli.js';

const silent = { log: { level: 'silent' as const } };

/** A home with a mission, an artifact and enough rows for a database of a few hundred pages. */
async function homeWithData(): Promise<{ home: string; db: string }> {
  const home = mkdtempSync(join(tmpdir(), 'magna-home-'));
  const system = await openSystem({ overrides: { home, ...silent } });
  const mission = await system.missions.create('research home batteries', { sources: ['./nowhere'] });
  await system.artifacts.write(mission.id, 'notes.txt', 'kept beside the database\n');
  await system.close();
  const db = join(home, 'magnatronic.db');
  const raw = openSqlite(db);
  raw.exec(`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
    INSERT INTO filler (body) SELECT printf('%0200d', i) FROM n;`);
  raw.close(); // the last connection checkpoints the WAL into the file and removes it
  return { home, db };
}

async function openError(home: string): Promise<unknown> {
  try {
    const system = await openSystem({ overrides: { home, ...silent } });
    await system.close();
    return null;
  } catch (error) {
    return error;
  }
}

/** Each CLI run starts Node with the TypeScript loader: seconds apiece on a loaded 2-core box. */
const CLI_TIMEOUT_MS = 180_000;

describe('a home is never created or replaced by accident', () => {
  it(
    'a read-only command in an empty folder says there is no home and creates nothing',
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'magna-empty-'));
      const status = cli(['status'], { cwd });
      expect(status.code).toBe(3);
      expect(status.stderr).toContain(
        `error HOME_NOT_FOUND: No Magnatronic home at ${join(cwd, '.magnatronic')}`,
      );
      expect(status.stderr).toContain('--home');
      const search = cli(['--home', join(cwd, 'typo'), 'kb', 'search', 'batteries', '--json'], { cwd });
      expect(search.code).toBe(3);
      expect(JSON.parse(search.stdout).error.code).toBe('HOME_NOT_FOUND');
      expect(readdirSync(cwd)).toEqual([]);
      // A command meant to make one does.
      const keys = cli(['keys', 'create', '--role', 'viewer', '--json'], { cwd });
      expect(keys.code).toBe(0);
      expect(existsSync(join(cwd, '.magnatronic', 'magnatronic.db'))).toBe(true);
      expect(cli(['status'], { cwd }).code).toBe(0);
    },
    CLI_TIMEOUT_MS,
  );
});

describe('corruption is caught at open', () => {
  it(
    'refuses a 0-byte database in a home that holds other state',
    async () => {
      const { home, db } = await homeWithData();
      truncateSync(db, 0);
      const error = await openError(home);
      expect(isMagnaError(error, 'STORE_CORRUPT')).toBe(true);
      expect((error as Error).message).toMatch(/empty \(0 bytes\).*restore/);
      expect(statSync(db).size).toBe(0); // nothing was written over it
      const status = cli(['--home', home, 'status'], { cwd: home });
      expect(status.code).toBe(75);
      expect(status.stderr).toContain('error STORE_CORRUPT');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'refuses a database whose middle page was zeroed, and doctor reports it',
    async () => {
      const { home, db } = await homeWithData();
      const pageSize = 4096;
      const pages = statSync(db).size / pageSize;
      expect(pages).toBeGreaterThan(100);
      const fd = openSync(db, 'r+');
      writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, Math.floor(pages / 2) * pageSize);
      closeSync(fd);
      const error = await openError(home);
      expect(isMagnaError(error, 'STORE_CORRUPT')).toBe(true);
      expect((error as Error).message).toContain('magnatronic restore');
      const doctor = cli(['--home', home, 'doctor', '--json'], { cwd: home });
      expect(doctor.code).toBe(75);
      const report = JSON.parse(doctor.stdout) as { ok: boolean; problems: string[] };
      expect(report.ok).toBe(false);
      expect(report.problems.length).toBeGreaterThan(0);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'refuses a truncated database; doctor passes a sound one',
    async () => {
      const { home, db } = await homeWithData();
      expect(cli(['--home', home, 'doctor'], { cwd: home }).code).toBe(0);
      truncateSync(db, Math.floor(statSync(db).size / 2));
      const error = await openError(home);
      expect(isMagnaError(error, 'STORE_CORRUPT')).toBe(true);
      const status = cli(['--home', home, 'status'], { cwd: home });
      expect(status.code).toBe(75);
      expect(status.stderr).not.toMatch(/\n\s+at /); // a coded message, no stack trace
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'refuses a missing database where the home holds artifacts and its marker',
    async () => {
      const { home, db } = await homeWithData();
      const { rmSync } = await import('node:fs');
      rmSync(db);
      const error = await openError(home);
      expect(isMagnaError(error, 'STORE_CORRUPT')).toBe(true);
      expect((error as Error).message).toContain('missing');
      expect(existsSync(db)).toBe(false);
    },
    CLI_TIMEOUT_MS,
  );
});
