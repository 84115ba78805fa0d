import { MagnaError } from '../../core/errors.js';
import type { SystemRole } from '../../core/principal.js';
import type {
  ApiKeyRecord,
  AuditEntry,
  AuditFilter,
  AuditRecord,
  EncryptedColumn,
  SecurityStore,
} from '../../security/store-port.js';
import type { SqliteDatabase } from './database.js';
import { groupCommitOf } from './group-commit.js';

interface KeyRow {
  id: string;
  name: string;
  role: SystemRole;
  namespaces: string | null;
  salt: Buffer;
  hash: Buffer;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  role: string | null;
  action: string;
  target: string;
  ip: string | null;
  outcome: AuditRecord['outcome'];
  status: number | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** Rows rewritten per transaction during key rotation: keeps each write lock short. */
const REENCRYPT_BATCH = 500;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The security store on embedded SQLite; one short statement or transaction per method. */
export class SqliteSecurityStore implements SecurityStore {
  private statements: ReturnType<typeof prepare> | undefined;

  constructor(private readonly db: SqliteDatabase) {}

  /** Prepared on first use, so opening a system costs nothing when no security call is made. */
  private get s(): ReturnType<typeof prepare> {
    this.statements ??= prepare(this.db);
    return this.statements;
  }

  async insertKey(record: ApiKeyRecord): Promise<void> {
    this.s.insertKey.run({
      ...record,
      namespaces: record.namespaces ? JSON.stringify(record.namespaces) : null,
    });
  }

  async getKey(id: string): Promise<ApiKeyRecord | null> {
    const row = this.s.getKey.get(id) as KeyRow | undefined;
    return row ? toKey(row) : null;
  }

  async keyRevokedAt(id: string): Promise<number | null | undefined> {
    return (this.s.keyRevokedAt.get(id) as { revoked_at: number | null } | undefined)?.revoked_at;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (this.s.listKeys.all() as KeyRow[]).map(toKey);
  }

  async revokeKey(id: string, now: number): Promise<ApiKeyRecord | null> {
    const row = this.s.revokeKey.get(now, id) as KeyRow | undefined;
    return row ? toKey(row) : null;
  }

  async touchKey(id: string, now: number): Promise<void> {
    this.s.touchKey.run(now, id);
  }

  async countActiveKeys(role: SystemRole, now: number): Promise<number> {
    return (this.s.countActive.get(role, now) as { n: number }).n;
  }

  async getSetting(name: string): Promise<string | null> {
    return (this.s.getSetting.get(name) as { value: string } | undefined)?.value ?? null;
  }

  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    this.s.putSetting.run(name, value);
    return (this.s.getSetting.get(name) as { value: string }).value;
  }

  async appendAudit(
    entries: ReadonlyArray<{ entry: AuditEntry; at: number }>,
    hashOf: (prevHash: string, seq: number, entry: AuditEntry, at: number) => string,
  ): Promise<AuditRecord[]> {
    // Group-committed with the other writes of this loop turn (see GroupCommit): its IMMEDIATE
    // transaction takes the write lock before the chain head is read, so two processes cannot
    // both chain onto the same record.
    return groupCommitOf(this.db).run(() => {
      const last = this.s.lastAudit.get() as { seq: number; hash: string } | undefined;
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? '';
      const records: AuditRecord[] = [];
      for (const { entry, at } of entries) {
        seq++;
        const record: AuditRecord = { ...entry, seq, at, prevHash, hash: hashOf(prevHash, seq, entry, at) };
        this.s.insertAudit.run(record);
        records.push(record);
        prevHash = record.hash;
      }
      return records;
    });
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.beforeSeq !== undefined) {
      where.push('seq < @beforeSeq');
      params.beforeSeq = filter.beforeSeq;
    }
    for (const field of ['actor', 'action', 'outcome'] as const) {
      if (filter[field] !== undefined) {
        where.push(`${field} = @${field}`);
        params[field] = filter[field];
      }
    }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as AuditRow[]).map(toAudit);
  }

  async scanAudit(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return (this.s.scanAudit.all(afterSeq, limit) as AuditRow[]).map(toAudit);
  }

  async reencryptColumn(
    column: EncryptedColumn,
    currentKeyId: string,
    rewrite: (value: string) => string,
  ): Promise<number> {
    for (const name of [column.table, column.key, column.column]) {
      if (!IDENTIFIER.test(name)) throw new MagnaError('INVALID_ARGUMENT', `Invalid identifier ${name}.`);
    }
    const exists = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(column.table);
    if (!exists) return 0;
    const { table, key, column: col } = column;
    // A rewritten value is under the current key and drops out of this selection, so each pass
    // takes the next batch; a pass that rewrites nothing (values changed under us) ends the loop.
    const select = this.db.prepare(`SELECT ${key} AS k, ${col} AS v FROM ${table}
      WHERE ${col} LIKE 'enc:v1:%' AND substr(${col}, 8, 16) <> ? LIMIT ${REENCRYPT_BATCH}`);
    const update = this.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE ${key} = ? AND ${col} = ?`);
    let total = 0;
    for (;;) {
      const rows = select.all(currentKeyId) as Array<{ k: unknown; v: string }>;
      const changed = this.db.transaction(() => {
        let n = 0;
        for (const row of rows) n += update.run(rewrite(row.v), row.k, row.v).changes;
        return n;
      })();
      total += changed;
      if (rows.length < REENCRYPT_BATCH || changed === 0) return total;
    }
  }

  async ping(): Promise<void> {
    try {
      this.s.ping.get();
    } catch (cause) {
      throw new MagnaError('UNAVAILABLE', `The database does not answer: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
}

function prepare(db: SqliteDatabase) {
  return {
    insertKey:
      db.prepare(`INSERT INTO api_keys (id, name, role, namespaces, salt, hash, created_at, created_by, expires_at)
        VALUES (@id, @name, @role, @namespaces, @salt, @hash, @createdAt, @createdBy, @expiresAt)`),
    getKey: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
    keyRevokedAt: db.prepare('SELECT revoked_at FROM api_keys WHERE id = ?'),
    listKeys: db.prepare('SELECT * FROM api_keys ORDER BY created_at, id'),
    revokeKey: db.prepare(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *',
    ),
    touchKey: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    countActive: db.prepare(`SELECT count(*) AS n FROM api_keys WHERE role = ? AND revoked_at IS NULL
        AND (expires_at IS NULL OR expires_at > ?)`),
    getSetting: db.prepare('SELECT value FROM security_settings WHERE name = ?'),
    putSetting: db.prepare('INSERT OR IGNORE INTO security_settings (name, value) VALUES (?, ?)'),
    lastAudit: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    insertAudit:
      db.prepare(`INSERT INTO audit_log (seq, at, actor, role, action, target, ip, outcome, status, details,
        prev_hash, hash) VALUES (@seq, @at, @actor, @role, @action, @target, @ip, @outcome, @status, @details, @prevHash, @hash)`),
    scanAudit: db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?'),
    ping: db.prepare('SELECT 1 AS ok'),
  };
}

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    namespaces: row.namespaces ? (JSON.parse(row.namespaces) as string[]) : null,
    salt: row.salt,
    hash: row.hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function toAudit(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    role: row.role,
    action: row.action,
    target: row.target,
    ip: row.ip,
    outcome: row.outcome,
    status: row.status,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
