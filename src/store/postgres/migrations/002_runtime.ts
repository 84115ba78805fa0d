import type { Migration } from '../../migration.js';

export const migration002: Migration = {
  version: 2,
  name: 'missions and agents',
  sql: `
CREATE TABLE missions (
  id text PRIMARY KEY,
  goal text NOT NULL,
  template text NOT NULL,
  options json NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed','cancelled')),
  result json,
  created_at bigint NOT NULL,
  finished_at bigint
);
CREATE INDEX missions_created ON missions(created_at);

CREATE TABLE agents (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  node_id text NOT NULL,
  skills jsonb NOT NULL,
  concurrency integer NOT NULL,
  status text NOT NULL,
  load integer NOT NULL DEFAULT 0,
  started_at bigint NOT NULL,
  heartbeat_at bigint NOT NULL
);
CREATE INDEX agents_node ON agents(node_id);
`,
};
