import type { Migration } from '../../migration.js';

export const migration002: Migration = {
  version: 2,
  name: 'missions and agents',
  sql: `
CREATE TABLE missions (
  id TEXT PRIMARY KEY,
  goal TEXT NOT NULL,
  template TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed','cancelled')),
  result TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX missions_created ON missions(created_at);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  node_id TEXT NOT NULL,
  skills TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  status TEXT NOT NULL,
  load INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
CREATE INDEX agents_node ON agents(node_id);
`,
};
