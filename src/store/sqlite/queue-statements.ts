import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { TASK_COLUMNS } from './task-rows.js';

const UNFINISHED = `('waiting','queued','running')`;

/**
 * Every statement of the SQLite queue adapter, prepared once per connection. Keeping the SQL in
 * one place makes the queue's storage behaviour readable on one page.
 */
export function prepareQueueStatements(db: SqliteDatabase): QueueStatements {
  return {
    get: db.prepare(`SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ?`),
    byKey: db.prepare(
      `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.idempotency_key = ? AND t.state IN ${UNFINISHED}`,
    ),
    depState: db.prepare('SELECT state FROM tasks WHERE id = ?'),
    insert:
      db.prepare(`INSERT INTO tasks (id, skill, input, state, priority, run_at, rank, max_attempts, timeout_ms,
      idempotency_key, mission_id, parent_id, actor, tags, waiting_on, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertDep: db.prepare('INSERT OR IGNORE INTO task_deps (depends_on, task_id) VALUES (?, ?)'),
    // One ordered scan of the partial index tasks_ready; skills are filtered during the scan.
    // INDEXED BY because the planner may otherwise pick a skill index and sort every queued task
    // of the skills on each claim (with 20,000 queued, most of a node's time went there).
    claim: db.prepare(`UPDATE tasks SET state = 'running', attempt = attempt + 1, lease_owner = @workerId,
        lease_expires_at = @expires, started_at = @now, progress = NULL, progress_message = NULL
      WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_ready WHERE state = 'queued' AND run_at <= @now
        AND skill IN (SELECT value FROM json_each(@skills)) ORDER BY rank, seq LIMIT @limit)
      RETURNING *, CASE WHEN parent_id IS NULL AND NOT EXISTS (SELECT 1 FROM task_deps d WHERE d.task_id = tasks.id) THEN NULL
        ELSE (SELECT json_group_array(d.depends_on) FROM task_deps d WHERE d.task_id = tasks.id) END AS depends_on`),
    runningOfSkill: db.prepare(
      `SELECT coalesce((SELECT count FROM task_counts WHERE skill = ? AND state = 'running'), 0) AS n`,
    ),
    rateUsed: db.prepare('SELECT starts FROM skill_rate WHERE skill = ? AND window = ?'),
    rateForget: db.prepare('DELETE FROM skill_rate WHERE skill = ? AND window < ?'),
    rateAdd: db.prepare(`INSERT INTO skill_rate (skill, window, starts) VALUES (?, ?, ?)
      ON CONFLICT (skill, window) DO UPDATE SET starts = starts + excluded.starts`),
    heartbeat:
      db.prepare(`UPDATE tasks SET lease_expires_at = ? WHERE id = ? AND attempt = ? AND lease_owner = ?
      AND state = 'running'`),
    progress: db.prepare(`UPDATE tasks SET progress = ?, progress_message = ? WHERE id = ? AND attempt = ?
      AND lease_owner = ? AND state = 'running'`),
    succeed:
      db.prepare(`UPDATE tasks SET state = 'succeeded', output = ?, finished_at = ?, lease_owner = NULL,
        lease_expires_at = NULL, progress = 1
      WHERE id = ? AND attempt = ? AND lease_owner = ? AND state = 'running' RETURNING *`),
    succeedSlim:
      db.prepare(`UPDATE tasks SET state = 'succeeded', output = ?, finished_at = ?, lease_owner = NULL,
        lease_expires_at = NULL, progress = 1
      WHERE id = ? AND attempt = ? AND lease_owner = ? AND state = 'running' RETURNING skill, mission_id, started_at`),
    insertEffect: db.prepare(`INSERT OR IGNORE INTO task_effects (key, task_id, kind, payload, created_at)
      VALUES (?, ?, ?, ?, ?)`),
    dependants: db.prepare('SELECT task_id FROM task_deps WHERE depends_on = ?'),
    dependantsOfMany: db.prepare(
      'SELECT depends_on, task_id FROM task_deps WHERE depends_on IN (SELECT value FROM json_each(?))',
    ),
    releaseDependant: db.prepare(`UPDATE tasks SET waiting_on = waiting_on - 1,
        state = CASE WHEN waiting_on - 1 = 0 THEN 'queued' ELSE state END,
        run_at = CASE WHEN waiting_on - 1 = 0 AND run_at < @now THEN @now ELSE run_at END,
        rank = CASE WHEN waiting_on - 1 = 0 AND run_at < @now THEN rank + (@now - run_at) ELSE rank END
      WHERE id = @id AND state = 'waiting' RETURNING *`),
    retry:
      db.prepare(`UPDATE tasks SET state = 'queued', run_at = ?, rank = ?, last_error = ?, lease_owner = NULL,
        lease_expires_at = NULL WHERE id = ? RETURNING *`),
    kill: db.prepare(`UPDATE tasks SET state = 'dead', last_error = ?, finished_at = ?, lease_owner = NULL,
        lease_expires_at = NULL WHERE id = ? RETURNING *`),
    cancel:
      db.prepare(`UPDATE tasks SET state = 'cancelled', cancel_reason = ?, finished_at = ?, lease_owner = NULL,
        lease_expires_at = NULL WHERE id = ? AND state IN ${UNFINISHED} RETURNING *`),
    release: db.prepare(`UPDATE tasks SET state = 'queued', attempt = attempt - 1, lease_owner = NULL,
        lease_expires_at = NULL WHERE id = ? AND attempt = ? AND lease_owner = ? AND state = 'running' RETURNING *`),
    redrive:
      db.prepare(`UPDATE tasks SET state = 'queued', attempt = 0, run_at = ?, rank = ?, finished_at = NULL,
        cancel_reason = NULL, lease_owner = NULL, lease_expires_at = NULL, waiting_on = 0
      WHERE id = ? AND state IN ('dead','cancelled') RETURNING *`),
    // INDEXED BY: otherwise the planner may read every running task through another index and sort.
    expired:
      db.prepare(`SELECT ${TASK_COLUMNS} FROM tasks t INDEXED BY tasks_leases WHERE t.state = 'running' AND t.lease_expires_at < ?
      ORDER BY t.lease_expires_at LIMIT 500`),
    // Kept by the adapter in each state change's transaction (task-counts.ts); never scans tasks.
    counts: db.prepare('SELECT skill, state, count FROM task_counts WHERE count > 0 ORDER BY skill, state'),
    anyQueued: db.prepare(`SELECT 1 FROM task_counts WHERE state = 'queued' AND count > 0
      AND skill IN (SELECT value FROM json_each(?)) LIMIT 1`),
    countBump: db.prepare(`INSERT INTO task_counts (skill, state, count) VALUES (?, ?, ?)
      ON CONFLICT (skill, state) DO UPDATE SET count = count + excluded.count`),
    markDelivered: db.prepare('UPDATE task_effects SET delivered_at = ? WHERE key = ?'),
    prune: db.prepare(`DELETE FROM tasks WHERE finished_at < ? AND state IN ('succeeded','dead','cancelled')
      AND (mission_id IS NULL OR mission_id IN (SELECT id FROM missions WHERE finished_at IS NOT NULL))
      RETURNING id, skill, state`),
    pruneDeps: db.prepare('DELETE FROM task_deps WHERE task_id = ? OR depends_on = ?'),
    pruneEffects: db.prepare('DELETE FROM task_effects WHERE task_id = ? AND delivered_at IS NOT NULL'),
  };
}

export interface QueueStatements {
  get: Database.Statement;
  byKey: Database.Statement;
  depState: Database.Statement;
  insert: Database.Statement;
  insertDep: Database.Statement;
  claim: Database.Statement;
  runningOfSkill: Database.Statement;
  rateUsed: Database.Statement;
  rateForget: Database.Statement;
  rateAdd: Database.Statement;
  heartbeat: Database.Statement;
  progress: Database.Statement;
  succeed: Database.Statement;
  succeedSlim: Database.Statement;
  insertEffect: Database.Statement;
  dependants: Database.Statement;
  dependantsOfMany: Database.Statement;
  releaseDependant: Database.Statement;
  retry: Database.Statement;
  kill: Database.Statement;
  cancel: Database.Statement;
  release: Database.Statement;
  redrive: Database.Statement;
  expired: Database.Statement;
  counts: Database.Statement;
  countBump: Database.Statement;
  anyQueued: Database.Statement;
  markDelivered: Database.Statement;
  prune: Database.Statement;
  pruneDeps: Database.Statement;
  pruneEffects: Database.Statement;
}
