import type { Migration } from '../../migration.js';

export const migration001: Migration = {
  version: 1,
  name: 'queue',
  sql: `
CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  skill TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  state TEXT NOT NULL CHECK (state IN ('waiting','queued','running','succeeded','dead','cancelled')),
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 9),
  run_at INTEGER NOT NULL,
  -- claim order: run_at minus priority x aging step (see src/queue/ordering.ts)
  rank INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  timeout_ms INTEGER NOT NULL,
  idempotency_key TEXT,
  mission_id TEXT,
  parent_id TEXT,
  -- who submitted the task (JSON principal); skills act on their behalf
  actor TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  waiting_on INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  progress REAL,
  progress_message TEXT,
  last_error TEXT,
  cancel_reason TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX tasks_ready ON tasks(rank, seq) WHERE state = 'queued';
CREATE INDEX tasks_leases ON tasks(lease_expires_at) WHERE state = 'running';
CREATE UNIQUE INDEX tasks_idempotency ON tasks(idempotency_key)
  WHERE idempotency_key IS NOT NULL AND state IN ('waiting','queued','running');
CREATE INDEX tasks_mission ON tasks(mission_id, seq) WHERE mission_id IS NOT NULL;
CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
-- Indexes are kept few and partial: each one a claim or completion must update costs ~2 us per
-- task, measured as 20% of the processing CPU when tasks_skill_state and tasks_state_seq existed.
CREATE INDEX tasks_running_skill ON tasks(skill) WHERE state = 'running';
CREATE INDEX tasks_failed ON tasks(seq) WHERE state IN ('dead','cancelled');

-- Starts per skill per one-second window, kept only for skills with a rate limit.
CREATE TABLE skill_rate (
  skill TEXT NOT NULL,
  window INTEGER NOT NULL,
  starts INTEGER NOT NULL,
  PRIMARY KEY (skill, window)
) WITHOUT ROWID;

CREATE TABLE task_deps (
  depends_on TEXT NOT NULL,
  task_id TEXT NOT NULL,
  PRIMARY KEY (depends_on, task_id)
) WITHOUT ROWID;
CREATE INDEX task_deps_task ON task_deps(task_id);

-- transactional outbox: effects a handler declared, written in the same transaction that
-- completes its task, so a retried task never applies an effect twice.
CREATE TABLE task_effects (
  key TEXT PRIMARY KEY,
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX task_effects_undelivered ON task_effects(created_at) WHERE delivered_at IS NULL;
`,
};
