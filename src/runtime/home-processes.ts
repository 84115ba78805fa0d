import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MagnaError } from '../core/errors.js';

/**
 * Every process that opens a home registers in it: one small JSON file per process under
 * `<home>/processes/`, rewritten on each heartbeat and removed on close. Files, not database rows,
 * so `restore` and `nodes` can read them while the database is being replaced or is damaged,
 * and a process notices from outside the database that its database file was swapped under it.
 */
export interface HomeProcess {
  pid: number;
  host: string;
  /** What opened the home: `start`, `server`, `run`, a CLI command, or `library`. */
  kind: string;
  state: 'open' | 'starting' | 'running' | 'draining' | 'stopped';
  agents: string[];
  /** Tasks in flight on this process's nodes. */
  load: number;
  startedAt: number;
  heartbeatAt: number;
}

/** Heartbeat interval of the registration; a record older than STALE_AFTER_MS is not live. */
export const PROCESS_HEARTBEAT_MS = 2_000;
const STALE_AFTER_MS = 5 * PROCESS_HEARTBEAT_MS;

function processesDir(home: string): string {
  return join(home, 'processes');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live processes of a home. On this host a record counts while its pid is alive (a record
 * left by a killed process is removed here); from another host (a shared folder), while its
 * heartbeat is fresh.
 */
export function liveProcesses(home: string, now = Date.now()): HomeProcess[] {
  const dir = processesDir(home);
  if (!existsSync(dir)) return [];
  const host = hostname();
  const live: HomeProcess[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    let record: HomeProcess;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as HomeProcess;
    } catch {
      continue; // being rewritten or removed this instant
    }
    const isLive = record.host === host ? alive(record.pid) : now - record.heartbeatAt < STALE_AFTER_MS;
    if (isLive) live.push(record);
    else if (record.host === host) removeQuietly(path);
  }
  return live.sort((a, b) => a.startedAt - b.startedAt);
}

export interface Registration {
  readonly record: HomeProcess;
  update(change: Partial<Pick<HomeProcess, 'state' | 'agents' | 'load' | 'kind'>>): void;
  /** Writes the current sample now, so a reader right after start-up sees the running state. */
  refresh(): void;
  /** Resolves with STORE_REPLACED if the database file this process opened is replaced or removed. */
  readonly replaced: Promise<MagnaError>;
  close(): void;
}

/**
 * Registers this process in the home and beats every PROCESS_HEARTBEAT_MS (an unref'd timer: it
 * never keeps a process alive). The same beat compares the database file's inode with the one
 * opened: a restore or a copy over the file from another process makes this process's writes go
 * to a file nobody reads any more, so it must stop.
 */
export function registerProcess(
  home: string,
  databaseFile: string,
  options: { kind: string; sample?: () => Partial<HomeProcess> },
): Registration {
  const dir = processesDir(home);
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const record: HomeProcess = {
    pid: process.pid,
    host: hostname(),
    kind: options.kind,
    state: 'open',
    agents: [],
    load: 0,
    startedAt: now,
    heartbeatAt: now,
  };
  const path = join(dir, `${record.host}-${record.pid}.json`);
  const write = () => {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, path);
  };
  write();
  const inode = existsSync(databaseFile) ? statSync(databaseFile).ino : null;
  let onReplaced: (error: MagnaError) => void = () => undefined;
  const replaced = new Promise<MagnaError>((resolve) => {
    onReplaced = resolve;
  });
  let closed = false;
  const beat = () => {
    if (closed) return;
    Object.assign(record, options.sample?.() ?? {}, { heartbeatAt: Date.now() });
    write();
    const current = existsSync(databaseFile) ? statSync(databaseFile).ino : null;
    if (inode !== null && current !== inode) {
      onReplaced(
        new MagnaError(
          'STORE_REPLACED',
          `The database ${databaseFile} was ${current === null ? 'removed' : 'replaced'} while this process had it open (a restore or a copy from another process); stopping so no write goes to the old file. Start again to use the new one.`,
          { details: { database: databaseFile, pid: process.pid } },
        ),
      );
    }
  };
  const timer = setInterval(() => {
    try {
      beat();
    } catch {
      // A home folder removed under a test or a full disk: the next beat tries again.
    }
  }, PROCESS_HEARTBEAT_MS);
  timer.unref();
  return {
    record,
    replaced,
    update(change) {
      Object.assign(record, change);
      if (!closed) write();
    },
    refresh() {
      if (closed) return;
      Object.assign(record, options.sample?.() ?? {});
      write();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      removeQuietly(path);
    },
  };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already removed by its process or by another reader
  }
}
