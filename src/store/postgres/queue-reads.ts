import type { Task, TaskFilter, TaskState } from '../../queue/types.js';
import { type PgPool, query } from './connection.js';
import { type PgTaskRow, rowToTask, TASK_COLUMNS } from './task-rows.js';

/** The queue adapter's filtered reads: task lists for the CLI and API, counts and outbox effects. */
export function queueReads(pool: PgPool) {
  return {
    async tasks(filter: TaskFilter): Promise<Task[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.state !== undefined) {
        const states = Array.isArray(filter.state) ? filter.state : [filter.state];
        where.push(`t.state = ANY(${param(states)}::text[])`);
      }
      if (filter.skill !== undefined) where.push(`t.skill = ${param(filter.skill)}`);
      if (filter.missionId !== undefined) where.push(`t.mission_id = ${param(filter.missionId)}`);
      if (filter.tag !== undefined) where.push(`t.tags ? ${param(filter.tag)}`);
      if (filter.afterSeq !== undefined) where.push(`t.seq > ${param(filter.afterSeq)}`);
      const sql = `SELECT ${TASK_COLUMNS} FROM tasks t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.seq LIMIT ${param(filter.limit ?? 100)}`;
      const { rows } = await query<PgTaskRow>(pool, sql, params);
      return rows.map(rowToTask);
    },

    async counts(): Promise<Array<{ skill: string; state: TaskState; count: number }>> {
      const { rows } = await query<{ skill: string; state: TaskState; count: number }>(
        pool,
        `SELECT skill, state, count(*)::integer AS count FROM tasks GROUP BY skill, state
         ORDER BY skill COLLATE "C", state COLLATE "C"`,
      );
      return rows;
    },

    async effects(filter: { taskId?: string; undelivered?: boolean; limit?: number }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.taskId !== undefined) {
        params.push(filter.taskId);
        where.push(`task_id = $${params.length}`);
      }
      if (filter.undelivered) where.push('delivered_at IS NULL');
      params.push(filter.limit ?? 1000);
      const { rows } = await query<{
        key: string;
        task_id: string;
        kind: string;
        payload: unknown;
        created_at: number;
      }>(
        pool,
        `SELECT key, task_id, kind, payload, created_at FROM task_effects
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, key COLLATE "C" LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        key: r.key,
        kind: r.kind,
        payload: r.payload,
        taskId: r.task_id,
        createdAt: r.created_at,
      }));
    },
  };
}
