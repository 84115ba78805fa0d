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
import { type PgPool, query, transaction } from './connection.js';

interface KeyRow {
  id: string;
  name: string;
  role: SystemRole;
  namespaces: string[] | null;
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

/** Rows rewritten per transaction during key rotation: keeps each batch's row locks short. */
const REENCRYPT_BATCH = 500;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Transaction-level advisory lock serialising audit appends from every process. */
const AUDIT_LOCK = 0x61756474; // 'audt'

export class PostgresSecurityStore implements SecurityStore {
  constructor(private readonly pool: PgPool) {}

  async insertKey(record: ApiKeyRecord): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO api_keys (id, name, role, namespaces, salt, hash, created_at, created_by, expires_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)`,
      [
        record.id,
        record.name,
        record.role,
        record.namespaces ? JSON.stringify(record.namespaces) : null,
        record.salt,
        record.hash,
        record.createdAt,
        record.createdBy,
        record.expiresAt,
      ],
    );
  }

  async getKey(id: string): Promise<ApiKeyRecord | null> {
    const { rows } = await query<KeyRow>(this.pool, 'SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async keyRevokedAt(id: string): Promise<number | null | undefined> {
    const { rows } = await query<{ revoked_at: number | null }>(
      this.pool,
      'SELECT revoked_at FROM api_keys WHERE id = $1',
      [id],
    );
    return rows[0]?.revoked_at;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    const { rows } = await query<KeyRow>(
      this.pool,
      'SELECT * FROM api_keys ORDER BY created_at, id COLLATE "C"',
    );
    return rows.map(toKey);
  }

  async revokeKey(id: string, now: number): Promise<ApiKeyRecord | null> {
    const { rows } = await query<KeyRow>(
      this.pool,
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING *',
      [now, id],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }

  async touchKey(id: string, now: number): Promise<void> {
    await query(this.pool, 'UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [now, id]);
  }

  async countActiveKeys(role: SystemRole, now: number): Promise<number> {
    const { rows } = await query<{ n: number }>(
      this.pool,
      `SELECT count(*)::integer AS n FROM api_keys WHERE role = $1 AND revoked_at IS NULL
         AND (expires_at IS NULL OR expires_at > $2)`,
      [role, now],
    );
    return rows[0]?.n ?? 0;
  }

  async getSetting(name: string): Promise<string | null> {
    const { rows } = await query<{ value: string }>(
      this.pool,
      'SELECT value FROM security_settings WHERE name = $1',
      [name],
    );
    return rows[0]?.value ?? null;
  }

  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    await query(
      this.pool,
      'INSERT INTO security_settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [name, value],
    );
    return (await this.getSetting(name)) ?? value;
  }

  /**
   * The chain head is read under an advisory lock held to commit, so appends from every process
   * (servers, workers, the CLI) queue up behind one another and the chain cannot fork.
   */
  appendAudit(
    entries: ReadonlyArray<{ entry: AuditEntry; at: number }>,
    hashOf: (prevHash: string, seq: number, entry: AuditEntry, at: number) => string,
  ): Promise<AuditRecord[]> {
    return transaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      const { rows } = await client.query<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      let seq = rows[0]?.seq ?? 0;
      let prevHash = rows[0]?.hash ?? '';
      const records: AuditRecord[] = [];
      for (const { entry, at } of entries) {
        seq++;
        const record: AuditRecord = { ...entry, seq, at, prevHash, hash: hashOf(prevHash, seq, entry, at) };
        records.push(record);
        prevHash = record.hash;
      }
      if (records.length > 0) {
        const column = <K extends keyof AuditRecord>(key: K) => records.map((r) => r[key]);
        await client.query(
          `INSERT INTO audit_log (seq, at, actor, role, action, target, ip, outcome, status, details, prev_hash, hash)
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::integer[], $10::text[], $11::text[], $12::text[])`,
          [
            column('seq'),
            column('at'),
            column('actor'),
            column('role'),
            column('action'),
            column('target'),
            column('ip'),
            column('outcome'),
            column('status'),
            column('details'),
            column('prevHash'),
            column('hash'),
          ],
        );
      }
      return records;
    });
  }

  async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.beforeSeq !== undefined) {
      params.push(filter.beforeSeq);
      where.push(`seq < $${params.length}`);
    }
    for (const field of ['actor', 'action', 'outcome'] as const) {
      if (filter[field] !== undefined) {
        params.push(filter[field]);
        where.push(`${field} = $${params.length}`);
      }
    }
    params.push(filter.limit);
    const { rows } = await query<AuditRow>(
      this.pool,
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toAudit);
  }

  async scanAudit(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const { rows } = await query<AuditRow>(
      this.pool,
      'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    );
    return rows.map(toAudit);
  }

  async reencryptColumn(
    column: EncryptedColumn,
    currentKeyId: string,
    rewrite: (value: string) => string,
  ): Promise<number> {
    for (const name of [column.table, column.key, column.column]) {
      if (!IDENTIFIER.test(name)) throw new MagnaError('INVALID_ARGUMENT', `Invalid identifier ${name}.`);
    }
    const { rows: exists } = await query(this.pool, 'SELECT to_regclass($1) AS t', [column.table]);
    if (!exists[0]?.t) return 0;
    const { table, key, column: col } = column;
    let total = 0;
    for (;;) {
      // Each batch in one transaction; rows locked by another writer are left for the next pass.
      const changed = await transaction(this.pool, async (client) => {
        const { rows } = await client.query<{ k: unknown; v: string }>(
          `SELECT ${key} AS k, ${col} AS v FROM ${table}
           WHERE ${col} LIKE 'enc:v1:%' AND substr(${col}, 8, 16) <> $1 LIMIT ${REENCRYPT_BATCH} FOR UPDATE SKIP LOCKED`,
          [currentKeyId],
        );
        let n = 0;
        for (const row of rows) {
          const result = await client.query(
            `UPDATE ${table} SET ${col} = $1 WHERE ${key} = $2 AND ${col} = $3`,
            [rewrite(row.v), row.k, row.v],
          );
          n += result.rowCount ?? 0;
        }
        return { n, seen: rows.length };
      });
      total += changed.n;
      if (changed.seen < REENCRYPT_BATCH || changed.n === 0) return total;
    }
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (cause) {
      throw new MagnaError('UNAVAILABLE', `The database does not answer: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
}

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    namespaces: row.namespaces,
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
