import { type Envelope, envelopeSchema, parseEnvelope } from '../../bus/envelope.js';
import {
  type ClaimOptions,
  type DeadLetter,
  type DeadLetterReason,
  durableJson,
  type MessageStore,
  type NewDeadLetter,
  type StoredMessage,
} from '../../bus/message-store.js';
import type { Encryptor } from '../../security/encryption.js';
import type { SqliteDatabase } from './database.js';
import { sqliteError } from './errors.js';

interface DeadLetterRow {
  seq: number;
  message_id: string;
  receiver: string;
  reason: string;
  error: string;
  envelope: string;
  created_at: number;
}

/**
 * The bus store on embedded SQLite: durable messages and dead letters. Stored envelopes are
 * re-validated with parseEnvelope when read back (storage is a boundary). Each method is one
 * statement or one short transaction on the single writer connection.
 */
export class SqliteMessageStore implements MessageStore {
  private readonly s;

  /**
   * With an encryptor, the stored envelope of a message whose `sensitive` header is "true" is
   * encrypted at rest (durable copy and dead letter alike); reads decrypt, and pass plaintext through.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly encryptor?: Pick<Encryptor, 'encryptText' | 'decryptText'>,
  ) {
    this.s = {
      save: db.prepare(
        'INSERT OR IGNORE INTO bus_messages (id, receiver, envelope, created_at, lease_until) VALUES (?, ?, ?, ?, ?)',
      ),
      // One statement picks and takes over, so two processes on one home never claim the same row.
      claim: db.prepare(`UPDATE bus_messages SET owner = ?, lease_until = ?
        WHERE seq IN (SELECT seq FROM bus_messages
          WHERE receiver IN (SELECT value FROM json_each(?)) AND (lease_until <= ? OR (? AND owner IS NULL))
          ORDER BY seq LIMIT ?)
        RETURNING seq, envelope, deliveries`),
      release: db.prepare(`UPDATE bus_messages SET owner = NULL, lease_until = ?
        WHERE id IN (SELECT value FROM json_each(?))`),
      renew: db.prepare(`UPDATE bus_messages SET owner = ?, lease_until = ?
        WHERE id IN (SELECT value FROM json_each(?))`),
      markDelivery:
        db.prepare(`UPDATE bus_messages SET deliveries = deliveries + 1, delivered_at = ? WHERE id = ?
        RETURNING deliveries`),
      ack: db.prepare('DELETE FROM bus_messages WHERE id = ?'),
      addDeadLetter:
        db.prepare(`INSERT INTO bus_dead_letters (message_id, receiver, reason, error, envelope, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      deadLetters: db.prepare('SELECT * FROM bus_dead_letters ORDER BY seq DESC LIMIT ?'),
      prune: db.prepare('DELETE FROM bus_dead_letters WHERE created_at < ?'),
    };
  }

  async save(envelopes: readonly Envelope[], now: number, leaseMs: number): Promise<void> {
    const rows = envelopes.map(
      (envelope) =>
        [
          envelope.id,
          envelope.receiver,
          this.seal(envelope, durableJson(envelope)),
          now,
          now + leaseMs,
        ] as const,
    );
    this.run(() =>
      this.db.transaction(() => {
        for (const row of rows) this.s.save.run(...row);
      })(),
    );
  }

  async claim(options: ClaimOptions): Promise<StoredMessage[]> {
    const { owner, now, leaseMs, receivers, limit } = options;
    const rows = this.run(() =>
      this.s.claim.all(owner, now + leaseMs, JSON.stringify(receivers), now, options.unowned ? 1 : 0, limit),
    ) as Array<{ seq: number; envelope: string; deliveries: number }>;
    // RETURNING gives no order; the oldest must come first.
    rows.sort((a, b) => a.seq - b.seq);
    return rows.map((row) => ({
      envelope: parseEnvelope(JSON.parse(this.open(row.envelope))),
      deliveries: row.deliveries,
    }));
  }

  async release(messageIds: readonly string[], now: number, delayMs: number): Promise<void> {
    if (messageIds.length === 0) return;
    this.run(() => this.s.release.run(now + delayMs, JSON.stringify(messageIds)));
  }

  async renew(owner: string, messageIds: readonly string[], now: number, leaseMs: number): Promise<void> {
    if (messageIds.length === 0) return;
    this.run(() => this.s.renew.run(owner, now + leaseMs, JSON.stringify(messageIds)));
  }

  async markDelivery(messageId: string, now: number): Promise<number> {
    const row = this.run(() => this.s.markDelivery.get(now, messageId)) as { deliveries: number } | undefined;
    return row?.deliveries ?? 0;
  }

  async ack(messageIds: readonly string[]): Promise<void> {
    this.run(() =>
      this.db.transaction(() => {
        for (const id of messageIds) this.s.ack.run(id);
      })(),
    );
  }

  async addDeadLetter(letter: NewDeadLetter): Promise<void> {
    const { envelope } = letter;
    let json: string;
    try {
      json = JSON.stringify(envelope);
    } catch {
      // A non-durable message may carry a body JSON cannot hold; the record keeps everything else.
      json = JSON.stringify({ ...envelope, body: '[body not serialisable as JSON]' });
    }
    this.run(() =>
      this.db.transaction(() => {
        this.s.addDeadLetter.run(
          envelope.id,
          envelope.receiver,
          letter.reason,
          letter.error,
          this.seal(envelope, json),
          letter.at,
        );
        this.s.ack.run(envelope.id);
      })(),
    );
  }

  async deadLetters(options: { limit: number }): Promise<DeadLetter[]> {
    const rows = this.s.deadLetters.all(options.limit) as DeadLetterRow[];
    return rows.map((row) => ({
      seq: row.seq,
      messageId: row.message_id,
      receiver: row.receiver,
      reason: row.reason as DeadLetterReason,
      error: row.error,
      envelope: readDeadEnvelope(this.open(row.envelope)),
      at: row.created_at,
    }));
  }

  async pruneDeadLetters(before: number): Promise<number> {
    return this.run(() => this.s.prune.run(before)).changes;
  }

  private seal(envelope: Envelope, json: string): string {
    return this.encryptor && envelope.headers?.sensitive === 'true' ? this.encryptor.encryptText(json) : json;
  }

  private open(stored: string): string {
    return this.encryptor ? this.encryptor.decryptText(stored) : stored;
  }

  /** Maps SQLite failures (a full disk above all) to coded errors; the statement was rolled back. */
  private run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw sqliteError(error, 'UNAVAILABLE');
    }
  }
}

/**
 * Dead letters include messages from trusted in-process callers that never went through
 * parseEnvelope; one odd record must not make the whole listing fail, so it is shown as stored.
 */
function readDeadEnvelope(json: string): Envelope {
  const value: unknown = JSON.parse(json);
  const parsed = envelopeSchema.safeParse(value);
  return parsed.success ? parsed.data : (value as Envelope);
}
