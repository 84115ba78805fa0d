import type { Statement } from 'better-sqlite3';
import type { Task, TaskFilter } from '../../queue/types.js';
import type { SqliteDatabase } from './database.js';
import { rawTaskReader } from './task-records.js';
import { TASK_COLUMNS } from './task-rows.js';

/** Bounds the list statement cache (repeated states in a filter make new texts). */
const LIST_STATEMENTS_MAX = 64;

export interface EffectFilter {
  taskId?: string;
  undelivered?: boolean;
  limit?: number;
}

/** The queue adapter's filtered reads: task lists for the CLI and API, and outbox effects. */
export class QueueQueries {
  private readonly statements = new Map<string, Statement>();
  private readonly taskReads = new Map<string, { statement: Statement; row: (raw: unknown[]) => Task }>();

  constructor(private readonly db: SqliteDatabase) {}

  tasks(filter: TaskFilter): Task[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state !== undefined) {
      const states = Array.isArray(filter.state) ? filter.state : [filter.state];
      where.push(`t.state IN (${states.map(() => '?').join(',')})`);
      params.push(...states);
    }
    if (filter.skill !== undefined) {
      where.push('t.skill = ?');
      params.push(filter.skill);
    }
    if (filter.missionId !== undefined) {
      where.push('t.mission_id = ?');
      params.push(filter.missionId);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value = ?)');
      params.push(filter.tag);
    }
    if (filter.afterSeq !== undefined) {
      where.push('t.seq > ?');
      params.push(filter.afterSeq);
    }
    const sql = `SELECT ${TASK_COLUMNS} FROM tasks t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.seq LIMIT ?`;
    params.push(filter.limit ?? 100);
    const read = this.taskRead(sql);
    return (read.statement.all(...params) as unknown[][]).map(read.row);
  }

  effects(filter: EffectFilter) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.taskId !== undefined) {
      where.push('task_id = ?');
      params.push(filter.taskId);
    }
    if (filter.undelivered) where.push('delivered_at IS NULL');
    params.push(filter.limit ?? 1000);
    const sql = `SELECT * FROM task_effects ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, key LIMIT ?`;
    const rows = this.statement(sql).all(...params) as Array<{
      key: string;
      task_id: string;
      kind: string;
      payload: string;
      created_at: number;
    }>;
    return rows.map((r) => ({
      key: r.key,
      kind: r.kind,
      payload: JSON.parse(r.payload),
      taskId: r.task_id,
      createdAt: r.created_at,
    }));
  }

  /**
   * Statements by SQL text: a filter combination has one text, so the set is small.
   * Preparing on every call was ~10% of GET /tasks?limit=20's CPU (1,350 → 1,590 req/s).
   */
  /**
   * Task lists read rows as arrays (statement.raw) and map them with rawTaskReader: better-sqlite3
   * building a 27-key object per row made GET /tasks?limit=20's read ~10x slower than the rows'
   * bare values (about 480 us against 50 us for 20 rows on the loaded 2-core machine).
   */
  private taskRead(sql: string): { statement: Statement; row: (raw: unknown[]) => Task } {
    let read = this.taskReads.get(sql);
    if (!read) {
      if (this.taskReads.size >= LIST_STATEMENTS_MAX) this.taskReads.clear();
      const statement = this.db.prepare(sql).raw(true);
      read = { statement, row: rawTaskReader(statement.columns()) };
      this.taskReads.set(sql, read);
    }
    return read;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= LIST_STATEMENTS_MAX) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
