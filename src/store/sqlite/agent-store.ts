import type { AgentStatus } from '../../core/events.js';
import type { AgentRecord, AgentRegistry } from '../../runtime/agent-registry.js';
import type { SqliteDatabase } from './database.js';
import { sqliteError } from './errors.js';

interface AgentRow {
  id: string;
  name: string;
  role: string;
  node_id: string;
  skills: string;
  concurrency: number;
  status: AgentStatus;
  load: number;
  started_at: number;
  heartbeat_at: number;
}

const toRecord = (r: AgentRow): AgentRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  nodeId: r.node_id,
  skills: JSON.parse(r.skills),
  concurrency: r.concurrency,
  status: r.status,
  load: r.load,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
});

export class SqliteAgentRegistry implements AgentRegistry {
  private readonly s;

  constructor(private readonly db: SqliteDatabase) {
    this.s = {
      upsert:
        db.prepare(`INSERT INTO agents (id, name, role, node_id, skills, concurrency, status, load, started_at, heartbeat_at)
        VALUES (@id, @name, @role, @nodeId, @skills, @concurrency, @status, @load, @startedAt, @heartbeatAt)
        ON CONFLICT(id) DO UPDATE SET role = excluded.role, skills = excluded.skills, concurrency = excluded.concurrency,
          status = excluded.status, load = excluded.load, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`),
      // A drain requested by an operator sticks until the node itself reports down.
      beat: db.prepare(`UPDATE agents SET status = CASE WHEN status = 'draining' AND @status != 'down' THEN 'draining' ELSE @status END,
          load = @load, heartbeat_at = @now WHERE id = @id RETURNING status`),
      list: db.prepare('SELECT * FROM agents ORDER BY name, node_id'),
      get: db.prepare('SELECT * FROM agents WHERE id = ?'),
      drain: db.prepare(
        `UPDATE agents SET status = 'draining' WHERE id = ? AND status != 'down' RETURNING *`,
      ),
      stale: db.prepare(
        `UPDATE agents SET status = 'down', load = 0 WHERE heartbeat_at < ? AND status != 'down'`,
      ),
      nodeDown: db.prepare(`UPDATE agents SET status = 'down', load = 0, heartbeat_at = ? WHERE node_id = ?`),
    };
  }

  async register(record: AgentRecord): Promise<void> {
    mapped(() => this.s.upsert.run({ ...record, skills: JSON.stringify(record.skills) }));
  }

  async heartbeat(
    updates: Array<{ id: string; status: AgentStatus; load: number }>,
    now: number,
  ): Promise<string[]> {
    const beat = this.db.transaction(() => {
      const draining: string[] = [];
      for (const update of updates) {
        const row = this.s.beat.get({ ...update, now }) as { status: AgentStatus } | undefined;
        if (row?.status === 'draining') draining.push(update.id);
      }
      return draining;
    });
    return mapped(() => beat.immediate());
  }

  async list(): Promise<AgentRecord[]> {
    return (this.s.list.all() as AgentRow[]).map(toRecord);
  }

  async get(id: string): Promise<AgentRecord | null> {
    const row = this.s.get.get(id) as AgentRow | undefined;
    return row ? toRecord(row) : null;
  }

  async requestDrain(id: string): Promise<AgentRecord | null> {
    const row = mapped(() => this.s.drain.get(id) as AgentRow | undefined);
    return row ? toRecord(row) : null;
  }

  async markStale(before: number): Promise<number> {
    return mapped(() => this.s.stale.run(before).changes);
  }

  async markNodeDown(nodeId: string, now: number): Promise<void> {
    mapped(() => this.s.nodeDown.run(now, nodeId));
  }
}

/** Runs one write with SQLite's errors mapped (a busy lock becomes UNAVAILABLE, which callers retry). */
function mapped<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw sqliteError(error);
  }
}
