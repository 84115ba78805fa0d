import type { Envelope } from '../envelope.js';
import {
  type ClaimOptions,
  type DeadLetter,
  durableJson,
  type MessageStore,
  type NewDeadLetter,
  type StoredMessage,
} from '../message-store.js';

/**
 * The bus store kept in process memory: for a bus without a database (benchmarks, tests, library
 * use). "Durable" messages survive only as long as the process, so the embedded system uses the
 * SQLite adapter instead.
 */
/** Dead letters kept; older ones are dropped so that a long-running process stays bounded. */
const MAX_DEAD_LETTERS = 10_000;

export class MemoryMessageStore implements MessageStore {
  private readonly messages = new Map<
    string,
    { envelope: Envelope; deliveries: number; owner: string | null; leaseUntil: number }
  >();
  private letters: DeadLetter[] = [];
  private seq = 0;

  async save(envelopes: readonly Envelope[], now: number, leaseMs: number): Promise<void> {
    for (const envelope of envelopes) durableJson(envelope);
    for (const envelope of envelopes) {
      if (!this.messages.has(envelope.id))
        this.messages.set(envelope.id, { envelope, deliveries: 0, owner: null, leaseUntil: now + leaseMs });
    }
  }

  /** Insertion order is the map's order, so the oldest come first. */
  async claim(options: ClaimOptions): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    for (const m of this.messages.values()) {
      if (out.length >= options.limit) break;
      const free = m.leaseUntil <= options.now || (options.unowned && m.owner === null);
      if (!free || !options.receivers.includes(m.envelope.receiver)) continue;
      m.owner = options.owner;
      m.leaseUntil = options.now + options.leaseMs;
      out.push({ envelope: m.envelope, deliveries: m.deliveries });
    }
    return out;
  }

  async release(messageIds: readonly string[], now: number, delayMs: number): Promise<void> {
    for (const id of messageIds) {
      const m = this.messages.get(id);
      if (m) {
        m.owner = null;
        m.leaseUntil = now + delayMs;
      }
    }
  }

  async renew(owner: string, messageIds: readonly string[], now: number, leaseMs: number): Promise<void> {
    for (const id of messageIds) {
      const m = this.messages.get(id);
      if (m) {
        m.owner = owner;
        m.leaseUntil = now + leaseMs;
      }
    }
  }

  async markDelivery(messageId: string): Promise<number> {
    const m = this.messages.get(messageId);
    if (!m) return 0;
    m.deliveries++;
    return m.deliveries;
  }

  async ack(messageIds: readonly string[]): Promise<void> {
    for (const id of messageIds) this.messages.delete(id);
  }

  async addDeadLetter(letter: NewDeadLetter): Promise<void> {
    this.messages.delete(letter.envelope.id);
    this.letters.push({
      seq: ++this.seq,
      messageId: letter.envelope.id,
      receiver: letter.envelope.receiver,
      reason: letter.reason,
      error: letter.error,
      envelope: letter.envelope,
      at: letter.at,
    });
    if (this.letters.length > MAX_DEAD_LETTERS)
      this.letters.splice(0, this.letters.length - MAX_DEAD_LETTERS);
  }

  async deadLetters(options: { limit: number }): Promise<DeadLetter[]> {
    return this.letters.slice(-options.limit).reverse();
  }

  async pruneDeadLetters(before: number): Promise<number> {
    const kept = this.letters.filter((l) => l.at >= before);
    const removed = this.letters.length - kept.length;
    this.letters = kept;
    return removed;
  }
}
