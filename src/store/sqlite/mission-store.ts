import type { Mission, MissionResult, MissionStatus, MissionStore } from '../../orchestrator/types.js';
import type { SqliteDatabase } from './database.js';

interface MissionRow {
  id: string;
  goal: string;
  template: string;
  options: string;
  status: MissionStatus;
  result: string | null;
  created_at: number;
  finished_at: number | null;
}

function toMission(row: MissionRow): Mission {
  return {
    id: row.id,
    goal: row.goal,
    template: row.template,
    options: JSON.parse(row.options),
    status: row.status,
    result: row.result === null ? null : (JSON.parse(row.result) as MissionResult),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export class SqliteMissionStore implements MissionStore {
  private readonly s;

  constructor(private readonly db: SqliteDatabase) {
    this.s = {
      insert: db.prepare(`INSERT INTO missions (id, goal, template, options, status, created_at)
        VALUES (@id, @goal, @template, @options, @status, @createdAt)`),
      delete: db.prepare('DELETE FROM missions WHERE id = ?'),
      get: db.prepare('SELECT * FROM missions WHERE id = ?'),
      finish: db.prepare(
        `UPDATE missions SET status = ?, result = ?, finished_at = ? WHERE id = ? AND status = 'running'`,
      ),
    };
  }

  async insert(mission: Mission): Promise<void> {
    this.s.insert.run({ ...mission, options: JSON.stringify(mission.options) });
  }

  async delete(id: string): Promise<void> {
    this.s.delete.run(id);
  }

  async get(id: string): Promise<Mission | null> {
    const row = this.s.get.get(id) as MissionRow | undefined;
    return row ? toMission(row) : null;
  }

  async list(filter: { status?: MissionStatus; limit?: number; before?: number }): Promise<Mission[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.before !== undefined) {
      where.push('created_at < ?');
      params.push(filter.before);
    }
    params.push(filter.limit ?? 50);
    const sql = `SELECT * FROM missions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as MissionRow[]).map(toMission);
  }

  async finish(
    id: string,
    status: Exclude<MissionStatus, 'running'>,
    result: MissionResult,
    now: number,
  ): Promise<boolean> {
    return this.s.finish.run(status, JSON.stringify(result), now, id).changes > 0;
  }
}
