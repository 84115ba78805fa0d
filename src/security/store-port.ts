import type { SystemRole } from '../core/principal.js';

/** An API key as stored: never the key itself, only a salted scrypt hash of its secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: SystemRole;
  /** Knowledge namespaces (prefixes) the key is limited to; null means no limit beyond grants. */
  namespaces: string[] | null;
  salt: Buffer;
  hash: Buffer;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** What one audited action says: who, what, from where, and how it ended. */
export interface AuditEntry {
  actor: string;
  role: string | null;
  action: string;
  target: string;
  ip: string | null;
  outcome: AuditOutcome;
  status: number | null;
  /** JSON text; hashed exactly as stored. */
  details: string | null;
}

export type AuditOutcome = 'ok' | 'failed' | 'denied' | 'auth-failed' | 'rate-limited';

export interface AuditRecord extends AuditEntry {
  seq: number;
  at: number;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  /** Records with seq below this (newest-first paging). */
  beforeSeq?: number;
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  limit: number;
}

/** A text column holding values written by the Encryptor, rewritten by key rotation. */
export interface EncryptedColumn {
  table: string;
  /** Primary-key column identifying the row. */
  key: string;
  column: string;
}

/**
 * The security module's storage port: API keys, small named settings (the token signing
 * secret) and the append-only audit log. The SQLite adapter is src/store/sqlite/security-store.ts.
 */
export interface SecurityStore {
  insertKey(record: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | null>;
  /** The one mutable field of a key, read on every request: undefined when the key does not exist. */
  keyRevokedAt(id: string): Promise<number | null | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** Sets revoked_at once; returns the record (null if unknown). */
  revokeKey(id: string, now: number): Promise<ApiKeyRecord | null>;
  touchKey(id: string, now: number): Promise<void>;
  /** Keys of a role neither revoked nor expired at `now`. */
  countActiveKeys(role: SystemRole, now: number): Promise<number>;
  getSetting(name: string): Promise<string | null>;
  /** Stores `value` unless the name is already set; returns what is stored (the first writer wins). */
  putSettingIfAbsent(name: string, value: string): Promise<string>;
  /**
   * Appends records atomically in one transaction, each chained to the one before: `hashOf`
   * gets the previous record's hash and the new seq inside the same write transaction, so
   * concurrent writers (a server and a CLI on one database) cannot fork the chain.
   */
  appendAudit(
    entries: ReadonlyArray<{ entry: AuditEntry; at: number }>,
    hashOf: (prevHash: string, seq: number, entry: AuditEntry, at: number) => string,
  ): Promise<AuditRecord[]>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Oldest first, from seq > afterSeq; for verifying the chain page by page. */
  scanAudit(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /**
   * Rewrites every encrypted value of a column that is not under `currentKeyId`, in batches, each
   * batch in one transaction; returns how many values were rewritten. Tables that do not exist
   * (a module not installed) count as zero.
   */
  reencryptColumn(
    column: EncryptedColumn,
    currentKeyId: string,
    rewrite: (value: string) => string,
  ): Promise<number>;
  /** Throws UNAVAILABLE when the store cannot answer (readiness). */
  ping(): Promise<void>;
}
