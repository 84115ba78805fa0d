import type { Migration } from '../../migration.js';

export const migration005: Migration = {
  version: 5,
  name: 'security',
  sql: `
-- API keys: only a salted scrypt hash of the secret is kept; the key is shown once at creation.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','operator','analyst','agent','viewer')),
  namespaces TEXT,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
);
CREATE INDEX api_keys_role ON api_keys(role) WHERE revoked_at IS NULL;

-- Named settings of the security module (the session-token signing secret, encrypted when a key is set).
CREATE TABLE security_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Append-only, hash-chained audit log: hash = sha256(prev_hash | canonical record), see src/security/audit.ts.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  ip TEXT,
  outcome TEXT NOT NULL,
  status INTEGER,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`,
};
