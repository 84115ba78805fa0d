import type { Task } from '../../queue/types.js';
import type { PgClient, Queryable } from './connection.js';
import { type PgTaskRow, rowToTask, TASK_COLUMNS } from './task-rows.js';

export async function loadTask(db: Queryable, id: string, forUpdate = false): Promise<Task | null> {
  const { rows } = await db.query<PgTaskRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? rowToTask(rows[0]) : null;
}

/**
 * Counts the success of `parents` against their waiting dependants; those with no parent left are
 * queued (run-at moved to now, rank kept relative, as on SQLite). One statement for any number of
 * parents: a dependant of two parents settled together loses two. The dependants are locked in id
 * order first, so two transactions releasing overlapping dependants wait instead of deadlocking.
 * Returns the newly queued tasks by the parent they are reported under.
 */
export async function releaseDependants(
  client: PgClient,
  parents: string[],
  now: number,
): Promise<Map<string, Task[]>> {
  const released = new Map<string, Task[]>();
  if (parents.length === 0) return released;
  const { rows } = await client.query<PgTaskRow & { parent: string }>(
    `WITH d AS (
       SELECT task_id, count(*)::integer AS n, min(depends_on) AS parent FROM task_deps
       WHERE depends_on = ANY($1::text[]) GROUP BY task_id),
     locked AS (
       SELECT id FROM tasks WHERE id IN (SELECT task_id FROM d) AND state = 'waiting' ORDER BY id FOR UPDATE)
     UPDATE tasks t SET waiting_on = t.waiting_on - d.n,
       state = CASE WHEN t.waiting_on - d.n <= 0 THEN 'queued' ELSE t.state END,
       run_at = CASE WHEN t.waiting_on - d.n <= 0 AND t.run_at < $2 THEN $2 ELSE t.run_at END,
       rank = CASE WHEN t.waiting_on - d.n <= 0 AND t.run_at < $2 THEN t.rank + ($2 - t.run_at) ELSE t.rank END
     FROM d JOIN locked ON locked.id = d.task_id
     WHERE t.id = d.task_id AND t.state = 'waiting'
     RETURNING ${TASK_COLUMNS}, d.parent`,
    [parents, now],
  );
  for (const row of rows.sort((a, b) => a.seq - b.seq)) {
    if (row.state !== 'queued') continue;
    // Reported under one of its parents settled here (the least id), so it is announced once.
    const list = released.get(row.parent) ?? [];
    list.push(rowToTask(row));
    released.set(row.parent, list);
  }
  return released;
}

/** Cancels every unfinished task that depends, directly or not, on taskId (level by level). */
export async function cancelDependants(
  client: PgClient,
  taskId: string,
  reason: string,
  now: number,
): Promise<Task[]> {
  const cancelled: Task[] = [];
  let frontier = [taskId];
  while (frontier.length > 0) {
    const { rows } = await client.query<PgTaskRow>(
      `UPDATE tasks t SET state = 'cancelled', cancel_reason = $2, finished_at = $3, lease_owner = NULL,
         lease_expires_at = NULL
       FROM (SELECT DISTINCT task_id FROM task_deps WHERE depends_on = ANY($1::text[])) d
       WHERE t.id = d.task_id AND t.state IN ('waiting','queued','running')
       RETURNING ${TASK_COLUMNS}`,
      [frontier, reason, now],
    );
    const level = rows.sort((a, b) => a.seq - b.seq).map(rowToTask);
    cancelled.push(...level);
    frontier = level.map((t) => t.id);
  }
  return cancelled;
}
