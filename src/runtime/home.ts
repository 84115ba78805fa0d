import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MagnaError } from '../core/errors.js';

/**
 * A home is the data directory: the database, its artifacts and a marker saying a database was
 * made here. Only the commands that are meant to make one (start, run, demo, kb ingest, keys
 * create) may create it; every other command refuses a folder that holds none, so a mistyped
 * `--home` or the wrong working folder is reported instead of answered with an empty store.
 */
export const HOME_MARKER = 'home.json';

const CREATE_HINT =
  'Run the command where the home is, pass --home DIR (or set MAGNA_HOME), or create one with `magnatronic start`, `run`, `demo`, `kb ingest`, `kb import` or `keys create`.';

export interface HomeState {
  /** The database file exists and is not empty. */
  database: boolean;
  /** What else in the folder shows a home was here: the marker, artifacts, a write-ahead log. */
  traces: string[];
}

export function inspectHome(home: string, databaseFile: string): HomeState {
  const size = existsSync(databaseFile) ? statSync(databaseFile).size : -1;
  const traces: string[] = [];
  if (existsSync(join(home, HOME_MARKER))) traces.push(HOME_MARKER);
  const artifacts = join(home, 'artifacts');
  if (existsSync(artifacts) && readdirSync(artifacts).length > 0) traces.push('artifacts/');
  const wal = `${databaseFile}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) traces.push(`${databaseFile.split('/').at(-1)}-wal`);
  return { database: size > 0, traces };
}

/**
 * Checked before the database is opened. `create` says whether this command may make a new home.
 * A missing or empty database beside the traces of an old one is refused either way: opening it
 * would silently start an empty store over the data the traces point to.
 */
export function checkHome(home: string, databaseFile: string, options: { create: boolean }): void {
  const state = inspectHome(home, databaseFile);
  if (state.database) return;
  const exists = existsSync(databaseFile);
  if (state.traces.length > 0) {
    throw new MagnaError(
      'STORE_CORRUPT',
      `The database ${databaseFile} is ${exists ? 'empty (0 bytes)' : 'missing'}, but ${home} holds the state of a Magnatronic home (${state.traces.join(', ')}). Refusing to start a new empty store over it: restore a backup with \`magnatronic restore <file> --force\`, or move the folder aside to start afresh.`,
      { details: { home, database: databaseFile, traces: state.traces, empty: exists } },
    );
  }
  if (!options.create) {
    throw new MagnaError('HOME_NOT_FOUND', `No Magnatronic home at ${home}. ${CREATE_HINT}`, {
      details: { home },
    });
  }
}

/** Written once the database is open; its presence later tells a lost database from a new home. */
export function markHome(home: string, databaseFile: string): void {
  const marker = join(home, HOME_MARKER);
  if (existsSync(marker)) return;
  mkdirSync(home, { recursive: true });
  writeFileSync(
    marker,
    `${JSON.stringify({ database: databaseFile.split('/').at(-1), createdAt: new Date().toISOString() }, null, 2)}\n`,
  );
}
