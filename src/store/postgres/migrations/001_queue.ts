import type { Migration } from '../../migration.js';

/**
 * The queue, as sqlite/migrations/001_queue.ts; times are epoch milliseconds (bigint). Payloads are
 * `json`, not `jsonb`, so they come back exactly as written (jsonb reorders keys); tags are jsonb for
 * containment filters.
 */
export const migration001: Migration = {
  version: 1,
  name: 'queue',
  sql: `
CREATE TABLE tasks (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  skill text NOT NULL,
  input json NOT NULL,
  output json,
  state text NOT NULL CHECK (state IN ('waiting','queued','running','succeeded','dead','cancelled')),
  priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
  run_at bigint NOT NULL,
  -- claim order: run_at minus priority x aging step (see src/queue/ordering.ts)
  rank bigint NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  timeout_ms bigint NOT NULL,
  idempotency_key text,
  mission_id text,
  parent_id text,
  actor json,
  tags jsonb NOT NULL DEFAULT '[]',
  waiting_on integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_expires_at bigint,
  progress double precision,
  progress_message text,
  last_error json,
  cancel_reason text,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint
);
CREATE INDEX tasks_ready ON tasks(rank, seq) WHERE state = 'queued';
CREATE INDEX tasks_ready_skill ON tasks(skill, rank, seq) WHERE state = 'queued';
CREATE INDEX tasks_leases ON tasks(lease_expires_at) WHERE state = 'running';
CREATE UNIQUE INDEX tasks_idempotency ON tasks(idempotency_key)
  WHERE idempotency_key IS NOT NULL AND state IN ('waiting','queued','running');
CREATE INDEX tasks_mission ON tasks(mission_id, seq) WHERE mission_id IS NOT NULL;
CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX tasks_running_skill ON tasks(skill) WHERE state = 'running';
CREATE INDEX tasks_failed ON tasks(seq) WHERE state IN ('dead','cancelled');

-- Starts per skill per one-second window, kept only for skills with a rate limit.
CREATE TABLE skill_rate (
  skill text NOT NULL,
  "window" bigint NOT NULL,
  starts integer NOT NULL,
  PRIMARY KEY (skill, "window")
);

CREATE TABLE task_deps (
  depends_on text NOT NULL,
  task_id text NOT NULL,
  PRIMARY KEY (depends_on, task_id)
);
CREATE INDEX task_deps_task ON task_deps(task_id);

-- transactional outbox, written in the transaction that completes its task
CREATE TABLE task_effects (
  key text PRIMARY KEY,
  task_id text NOT NULL,
  kind text NOT NULL,
  payload json NOT NULL,
  created_at bigint NOT NULL,
  delivered_at bigint
);
CREATE INDEX task_effects_undelivered ON task_effects(created_at) WHERE delivered_at IS NULL;
`,
};
