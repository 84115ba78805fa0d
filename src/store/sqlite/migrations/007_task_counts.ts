import type { Migration } from '../../migration.js';

export const migration007: Migration = {
  version: 7,
  name: 'task counts',
  sql: `
-- Tasks by skill and state, kept by the queue adapter in the same transaction as every state
-- change, so status, /metrics and skill concurrency limits read a few rows instead of counting the
-- tasks table (a GROUP BY over 1M tasks took seconds).
CREATE TABLE task_counts (
  skill TEXT NOT NULL,
  state TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (skill, state)
) WITHOUT ROWID;
INSERT INTO task_counts (skill, state, count) SELECT skill, state, count(*) FROM tasks GROUP BY skill, state;
-- Running tasks per skill now come from task_counts: one index fewer to update on every claim and
-- every settlement.
DROP INDEX tasks_running_skill;
`,
};
