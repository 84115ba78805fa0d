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
import { type PgPool, query, transaction } from './connection.js';
import { nowParam } from './task-rows.js';

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
 * The bus store on PostgreSQL. Message leases are timed by the database server's clock (the
 * caller's `now` is ignored unless leaseClock is 'caller'), so processes on hosts with
 * drifting clocks agree on when a lease ran out.
 */
export class PostgresMessageStore implements MessageStore {
  constructor(
    private readonly pool: PgPool,
    private readonly encryptor?: Pick<Encryptor, 'encryptText' | 'decryptText'>,
    /** 'caller': lease times from each call's `now` (tests that step time); else the server's clock. */
    private readonly leaseClock: 'database' | 'caller' = 'database',
  ) {}

  private leaseNow(now: number): number | null {
    return this.leaseClock === 'caller' ? now : null;
  }

  async save(envelopes: readonly Envelope[], now: number, leaseMs: number): Promise<void> {
    if (envelopes.length === 0) return;
    const sealed = envelopes.map((envelope) => this.seal(envelope, durableJson(envelope)));
    await query(
      this.pool,
      `INSERT INTO bus_messages (id, receiver, envelope, created_at, lease_until)
       SELECT i, r, e, $4, ${nowParam(6)} + $5 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS m(i, r, e, o)
       ORDER BY o ON CONFLICT (id) DO NOTHING`,
      [
        envelopes.map((e) => e.id),
        envelopes.map((e) => e.receiver),
        sealed,
        now,
        leaseMs,
        this.leaseNow(now),
      ],
    );
  }

  async claim(options: ClaimOptions): Promise<StoredMessage[]> {
    const { rows } = await query<{ seq: number; envelope: string; deliveries: number }>(
      this.pool,
      `WITH picked AS (
         SELECT seq FROM bus_messages WHERE receiver = ANY($1::text[])
           AND (lease_until <= ${nowParam(6)} OR ($4 AND owner IS NULL))
         ORDER BY seq LIMIT $5 FOR UPDATE SKIP LOCKED)
       UPDATE bus_messages m SET owner = $2, lease_until = ${nowParam(6)} + $3
       FROM picked WHERE m.seq = picked.seq RETURNING m.seq, m.envelope, m.deliveries`,
      [
        options.receivers,
        options.owner,
        options.leaseMs,
        options.unowned,
        options.limit,
        this.leaseNow(options.now),
      ],
    );
    rows.sort((a, b) => a.seq - b.seq);
    return rows.map((row) => ({
      envelope: parseEnvelope(JSON.parse(this.open(row.envelope))),
      deliveries: row.deliveries,
    }));
  }

  async release(messageIds: readonly string[], now: number, delayMs: number): Promise<void> {
    if (messageIds.length === 0) return;
    await query(
      this.pool,
      `UPDATE bus_messages SET owner = NULL, lease_until = ${nowParam(3)} + $2 WHERE id = ANY($1::text[])`,
      [messageIds, delayMs, this.leaseNow(now)],
    );
  }

  async renew(owner: string, messageIds: readonly string[], now: number, leaseMs: number): Promise<void> {
    if (messageIds.length === 0) return;
    await query(
      this.pool,
      `UPDATE bus_messages SET owner = $1, lease_until = ${nowParam(4)} + $3 WHERE id = ANY($2::text[])`,
      [owner, messageIds, leaseMs, this.leaseNow(now)],
    );
  }

  async markDelivery(messageId: string, now: number): Promise<number> {
    const { rows } = await query<{ deliveries: number }>(
      this.pool,
      'UPDATE bus_messages SET deliveries = deliveries + 1, delivered_at = $1 WHERE id = $2 RETURNING deliveries',
      [now, messageId],
    );
    return rows[0]?.deliveries ?? 0;
  }

  async ack(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await query(this.pool, 'DELETE FROM bus_messages WHERE id = ANY($1::text[])', [messageIds]);
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
    await transaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO bus_dead_letters (message_id, receiver, reason, error, envelope, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [envelope.id, envelope.receiver, letter.reason, letter.error, this.seal(envelope, json), letter.at],
      );
      await client.query('DELETE FROM bus_messages WHERE id = $1', [envelope.id]);
    });
  }

  async deadLetters(options: { limit: number }): Promise<DeadLetter[]> {
    const { rows } = await query<DeadLetterRow>(
      this.pool,
      'SELECT * FROM bus_dead_letters ORDER BY seq DESC LIMIT $1',
      [options.limit],
    );
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
    const { rowCount } = await query(this.pool, 'DELETE FROM bus_dead_letters WHERE created_at < $1', [
      before,
    ]);
    return rowCount ?? 0;
  }

  private seal(envelope: Envelope, json: string): string {
    return this.encryptor && envelope.headers?.sensitive === 'true' ? this.encryptor.encryptText(json) : json;
  }

  private open(stored: string): string {
    return this.encryptor ? this.encryptor.decryptText(stored) : stored;
  }
}

/** One odd dead-letter record must not make the whole listing fail; it is shown as stored. */
function readDeadEnvelope(json: string): Envelope {
  const value: unknown = JSON.parse(json);
  const parsed = envelopeSchema.safeParse(value);
  return parsed.success ? parsed.data : (value as Envelope);
}
