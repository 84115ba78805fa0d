import type { AgentStatus } from '../../core/events.js';
import type { AgentRecord, AgentRegistry } from '../../runtime/agent-registry.js';
import { type PgPool, query } from './connection.js';

interface AgentRow {
  id: string;
  name: string;
  role: string;
  node_id: string;
  skills: string[];
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
  skills: r.skills,
  concurrency: r.concurrency,
  status: r.status,
  load: r.load,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
});

export class PostgresAgentRegistry implements AgentRegistry {
  constructor(private readonly pool: PgPool) {}

  async register(record: AgentRecord): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO agents (id, name, role, node_id, skills, concurrency, status, load, started_at, heartbeat_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, skills = excluded.skills, concurrency = excluded.concurrency,
         status = excluded.status, load = excluded.load, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
      [
        record.id,
        record.name,
        record.role,
        record.nodeId,
        JSON.stringify(record.skills),
        record.concurrency,
        record.status,
        record.load,
        record.startedAt,
        record.heartbeatAt,
      ],
    );
  }

  /** One statement for the node's agents; a drain an operator requested sticks until the node reports down. */
  async heartbeat(
    updates: Array<{ id: string; status: AgentStatus; load: number }>,
    now: number,
  ): Promise<string[]> {
    if (updates.length === 0) return [];
    const { rows } = await query<{ id: string; status: AgentStatus }>(
      this.pool,
      `UPDATE agents a SET status = CASE WHEN a.status = 'draining' AND u.status <> 'down' THEN 'draining' ELSE u.status END,
         load = u.load, heartbeat_at = $4
       FROM unnest($1::text[], $2::text[], $3::integer[]) AS u(id, status, load)
       WHERE a.id = u.id RETURNING a.id, a.status`,
      [updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => u.load), now],
    );
    const draining = new Set(rows.filter((r) => r.status === 'draining').map((r) => r.id));
    return updates.filter((u) => draining.has(u.id)).map((u) => u.id);
  }

  async list(): Promise<AgentRecord[]> {
    const { rows } = await query<AgentRow>(
      this.pool,
      'SELECT * FROM agents ORDER BY name COLLATE "C", node_id COLLATE "C"',
    );
    return rows.map(toRecord);
  }

  async get(id: string): Promise<AgentRecord | null> {
    const { rows } = await query<AgentRow>(this.pool, 'SELECT * FROM agents WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async requestDrain(id: string): Promise<AgentRecord | null> {
    const { rows } = await query<AgentRow>(
      this.pool,
      `UPDATE agents SET status = 'draining' WHERE id = $1 AND status <> 'down' RETURNING *`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async markStale(before: number): Promise<number> {
    const { rowCount } = await query(
      this.pool,
      `UPDATE agents SET status = 'down', load = 0 WHERE heartbeat_at < $1 AND status <> 'down'`,
      [before],
    );
    return rowCount ?? 0;
  }

  async markNodeDown(nodeId: string, now: number): Promise<void> {
    await query(
      this.pool,
      `UPDATE agents SET status = 'down', load = 0, heartbeat_at = $1 WHERE node_id = $2`,
      [now, nodeId],
    );
  }
}
