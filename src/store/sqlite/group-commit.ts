import type { Transaction } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { sqliteError } from './errors.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit on one connection: writes submitted in the same turn of the event loop run in one
 * IMMEDIATE transaction at the end of that turn, each in its own savepoint, so a failing write
 * rolls back only itself and rejects only its own promise. A WAL commit writes every dirty page
 * (~20 page writes for a mission, its task and an audit record), and was ~35% of POST /missions'
 * CPU in the API benchmark when each request committed on its own. Missions and audit records
 * share it, so the audit records of one turn's responses ride on the next turn's mission commit
 * (~5 writes a commit under 10 clients; 3,040-3,270 → 3,450-3,500 POST /missions per second
 * against separate mission and audit commits). A lone write waits at most one loop turn.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private readonly one: Transaction<(work: () => unknown) => unknown>;
  private readonly batch: Transaction<(items: Pending[]) => Settled[]>;

  constructor(db: SqliteDatabase) {
    this.one = db.transaction((work: () => unknown) => work());
    this.batch = db.transaction((items: Pending[]) =>
      items.map((item): Settled => {
        try {
          return { ok: true, value: this.one(item.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** Runs `work` (synchronous statements only) inside this turn's write transaction. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const items = this.pending;
    this.pending = [];
    let settled: Settled[];
    try {
      settled = this.batch.immediate(items);
    } catch (error) {
      for (const item of items) item.reject(sqliteError(error));
      return;
    }
    settled.forEach((result, i) => {
      if (result.ok) items[i]!.resolve(result.value);
      else items[i]!.reject(sqliteError(result.error));
    });
  }
}

const committers = new WeakMap<SqliteDatabase, GroupCommit>();

/** The one GroupCommit of a connection, shared by the stores written on it. */
export function groupCommitOf(db: SqliteDatabase): GroupCommit {
  let committer = committers.get(db);
  if (!committer) {
    committer = new GroupCommit(db);
    committers.set(db, committer);
  }
  return committer;
}
