import type { Migration } from '../../migration.js';

/** API keys, settings and the hash-chained audit log, as SQLite's 005. */
export const migration004: Migration = {
  version: 4,
  name: 'security',
  sql: `
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin','operator','analyst','agent','viewer')),
  namespaces jsonb,
  salt bytea NOT NULL,
  hash bytea NOT NULL,
  created_at bigint NOT NULL,
  created_by text NOT NULL,
  expires_at bigint,
  revoked_at bigint,
  last_used_at bigint
);
CREATE INDEX api_keys_role ON api_keys(role) WHERE revoked_at IS NULL;

CREATE TABLE security_settings (
  name text PRIMARY KEY,
  value text NOT NULL
);

-- Append-only, hash-chained audit log: hash = sha256(prev_hash | canonical record), see src/security/audit.ts.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at bigint NOT NULL,
  actor text NOT NULL,
  role text,
  action text NOT NULL,
  target text NOT NULL,
  ip text,
  outcome text NOT NULL,
  status integer,
  details text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
`,
};
