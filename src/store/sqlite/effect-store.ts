import type { EffectStore, OutboxEffect } from '../../queue/effects-port.js';
import type { SqliteDatabase } from './database.js';
import { sqliteError } from './errors.js';

interface EffectRow {
  key: string;
  task_id: string;
  kind: string;
  payload: string;
  created_at: number;
  delivered_at: number | null;
}

function toEffect(row: EffectRow): OutboxEffect {
  return {
    key: row.key,
    taskId: row.task_id,
    kind: row.kind,
    payload: JSON.parse(row.payload),
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

const COLUMNS = 'key, task_id, kind, payload, created_at, delivered_at';

/** task_effects, written by the queue in each completing transaction; read and marked here. */
export class SqliteEffectStore implements EffectStore {
  private readonly s;

  constructor(db: SqliteDatabase) {
    this.s = {
      // The partial index task_effects_undelivered serves this scan.
      pending: db.prepare(
        `SELECT ${COLUMNS} FROM task_effects WHERE delivered_at IS NULL ORDER BY created_at, key LIMIT ?`,
      ),
      all: db.prepare(`SELECT ${COLUMNS} FROM task_effects ORDER BY created_at DESC, key LIMIT ?`),
      mark: db.prepare('UPDATE task_effects SET delivered_at = ? WHERE key = ? AND delivered_at IS NULL'),
      requeue: db.prepare('UPDATE task_effects SET delivered_at = NULL WHERE key = ?'),
    };
  }

  async pending(limit: number): Promise<OutboxEffect[]> {
    return (this.s.pending.all(limit) as EffectRow[]).map(toEffect);
  }

  async markDelivered(key: string, now: number): Promise<boolean> {
    try {
      return this.s.mark.run(now, key).changes === 1;
    } catch (error) {
      throw sqliteError(error);
    }
  }

  async list(filter: { pending?: boolean; limit?: number }): Promise<OutboxEffect[]> {
    const limit = filter.limit ?? 50;
    const rows = (filter.pending ? this.s.pending.all(limit) : this.s.all.all(limit)) as EffectRow[];
    return rows.map(toEffect);
  }

  async requeue(key: string): Promise<boolean> {
    try {
      return this.s.requeue.run(key).changes === 1;
    } catch (error) {
      throw sqliteError(error);
    }
  }
}
