import type { Mission, MissionResult, MissionStatus, MissionStore } from '../../orchestrator/types.js';
import type { EnqueueOutcome, NewTask } from '../../queue/store-port.js';
import { type PgPool, query, transaction } from './connection.js';
import { insertTasks } from './task-inserts.js';

interface MissionRow {
  id: string;
  goal: string;
  template: string;
  options: Record<string, unknown>;
  status: MissionStatus;
  result: MissionResult | null;
  created_at: number;
  finished_at: number | null;
}

const toMission = (row: MissionRow): Mission => ({
  id: row.id,
  goal: row.goal,
  template: row.template,
  options: row.options,
  status: row.status,
  result: row.result,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
});

const INSERT = `INSERT INTO missions (id, goal, template, options, status, created_at)
  VALUES ($1, $2, $3, $4::json, $5, $6)`;

export class PostgresMissionStore implements MissionStore {
  constructor(private readonly pool: PgPool) {}

  private values(mission: Mission): unknown[] {
    return [
      mission.id,
      mission.goal,
      mission.template,
      JSON.stringify(mission.options),
      mission.status,
      mission.createdAt,
    ];
  }

  async insert(mission: Mission): Promise<void> {
    await query(this.pool, INSERT, this.values(mission));
  }

  /** The mission row and its plan's tasks in one transaction, through the queue's own insert. */
  insertWithTasks(mission: Mission, tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
    return transaction(this.pool, async (client) => {
      await client.query(INSERT, this.values(mission));
      return insertTasks(client, tasks, now);
    });
  }

  async delete(id: string): Promise<void> {
    await query(this.pool, 'DELETE FROM missions WHERE id = $1', [id]);
  }

  async get(id: string): Promise<Mission | null> {
    const { rows } = await query<MissionRow>(this.pool, 'SELECT * FROM missions WHERE id = $1', [id]);
    return rows[0] ? toMission(rows[0]) : null;
  }

  async list(filter: { status?: MissionStatus; limit?: number; before?: number }): Promise<Mission[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.before !== undefined) {
      params.push(filter.before);
      where.push(`created_at < $${params.length}`);
    }
    params.push(filter.limit ?? 50);
    const { rows } = await query<MissionRow>(
      this.pool,
      `SELECT * FROM missions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toMission);
  }

  async finish(id: string, status: Exclude<MissionStatus, 'running'>, result: MissionResult, now: number) {
    const { rowCount } = await query(
      this.pool,
      `UPDATE missions SET status = $1, result = $2::json, finished_at = $3 WHERE id = $4 AND status = 'running'`,
      [status, JSON.stringify(result), now, id],
    );
    return (rowCount ?? 0) > 0;
  }
}
