import { createHash } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.js';
import type { EventHub } from '../core/events.js';
import type { AuditEntry, AuditFilter, AuditRecord, SecurityStore } from './store-port.js';

/** Records verified per page by `verify`: bounded memory on a log of any length. */
const VERIFY_PAGE = 1_000;

export interface AuditVerification {
  valid: boolean;
  records: number;
  /** Hash of the last record checked (the chain head when valid). */
  head: string | null;
  brokenAt?: number;
  reason?: string;
}

/**
 * hash = SHA-256 over the previous record's hash and this record's fields in a fixed order, as
 * one JSON array. Changing, inserting or removing a record changes every later hash; only the
 * tail can be cut without a trace, so operators should keep the last `audit verify` head.
 */
export function auditHash(prevHash: string, record: Omit<AuditRecord, 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    record.seq,
    record.at,
    record.actor,
    record.role,
    record.action,
    record.target,
    record.ip,
    record.outcome,
    record.status,
    record.details,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/**
 * The append-only, tamper-evident audit log: every mutating request and every auth failure.
 *
 * Group commit: records arriving in the same turn of the event loop are written in one
 * transaction (one WAL commit) at the end of that turn, and each caller's promise resolves once
 * its record is committed. Under concurrent requests this turns N commits into one; a lone
 * request waits at most one loop turn.
 */
export class AuditLog {
  private pending: Array<{
    entry: AuditEntry;
    at: number;
    resolve: (record: AuditRecord) => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(
    private readonly store: SecurityStore,
    private readonly events: EventHub,
    private readonly clock: Clock = systemClock,
  ) {}

  record(
    entry: Omit<AuditEntry, 'details'> & { details?: Record<string, unknown> | null },
  ): Promise<AuditRecord> {
    const full: AuditEntry = {
      ...entry,
      details: entry.details && Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : null,
    };
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ entry: full, at: this.clock.now(), resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const records = await this.store.appendAudit(batch, (prevHash, seq, entry, at) =>
        auditHash(prevHash, { ...entry, seq, at }),
      );
      records.forEach((record, i) => {
        this.events.emit('audit:record', {
          seq: record.seq,
          actor: record.actor,
          action: record.action,
          outcome: record.outcome,
        });
        batch[i]!.resolve(record);
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  list(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.store.listAudit(filter);
  }

  /** Walks the whole chain from the first record; stops at the first record that does not verify. */
  async verify(): Promise<AuditVerification> {
    let prevHash = '';
    let expectedSeq = 1;
    let records = 0;
    for (;;) {
      const page = await this.store.scanAudit(expectedSeq - 1, VERIFY_PAGE);
      for (const record of page) {
        const broken = (reason: string): AuditVerification => ({
          valid: false,
          records,
          head: prevHash || null,
          brokenAt: record.seq,
          reason,
        });
        if (record.seq !== expectedSeq) return broken(`record ${expectedSeq} is missing`);
        if (record.prevHash !== prevHash)
          return broken('its previous-hash link does not match the record before it');
        if (auditHash(prevHash, record) !== record.hash) return broken('its content does not match its hash');
        prevHash = record.hash;
        expectedSeq++;
        records++;
      }
      if (page.length < VERIFY_PAGE) return { valid: true, records, head: prevHash || null };
    }
  }
}
