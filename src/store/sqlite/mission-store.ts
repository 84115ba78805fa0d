import type { Mission, MissionResult, MissionStatus, MissionStore } from '../../orchestrator/types.js';
import type { EnqueueOutcome, NewTask } from '../../queue/store-port.js';
import type { SqliteDatabase } from './database.js';
import { type GroupCommit, groupCommitOf } from './group-commit.js';
import { SqliteQueueStore } from './queue-store.js';

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

  private readonly commits: GroupCommit;
  private readonly tasks: SqliteQueueStore;

  /** `tasks`: the queue store on the same database, which writes a mission's plan (one is made if not given). */
  constructor(
    private readonly db: SqliteDatabase,
    tasks: SqliteQueueStore = new SqliteQueueStore(db),
  ) {
    this.s = {
      insert: db.prepare(`INSERT INTO missions (id, goal, template, options, status, created_at)
        VALUES (@id, @goal, @template, @options, @status, @createdAt)`),
      delete: db.prepare('DELETE FROM missions WHERE id = ?'),
      get: db.prepare('SELECT * FROM missions WHERE id = ?'),
      finish: db.prepare(
        `UPDATE missions SET status = ?, result = ?, finished_at = ? WHERE id = ? AND status = 'running'`,
      ),
    };
    this.tasks = tasks;
    this.commits = groupCommitOf(db);
  }

  async insert(mission: Mission): Promise<void> {
    this.s.insert.run({ ...mission, options: JSON.stringify(mission.options) });
  }

  /** Group-committed with the other writes of this loop turn (see GroupCommit), in its own savepoint. */
  insertWithTasks(mission: Mission, tasks: NewTask[], now: number): Promise<EnqueueOutcome[]> {
    return this.commits.run(() => {
      this.s.insert.run({ ...mission, options: JSON.stringify(mission.options) });
      return this.tasks.insertWithin(tasks, now);
    });
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
