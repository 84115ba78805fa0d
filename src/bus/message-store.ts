import { MagnaError } from '../core/errors.js';
import type { Envelope } from './envelope.js';

/** Why a message was dead-lettered: the stable error code that explains it. */
export type DeadLetterReason = 'BUS_NO_RECEIVER' | 'BUS_EXPIRED' | 'BUS_HANDLER_FAILED';

export interface DeadLetter {
  /** Store-assigned sequence, increasing. */
  seq: number;
  messageId: string;
  receiver: string;
  reason: DeadLetterReason;
  error: string;
  envelope: Envelope;
  at: number;
}

export interface NewDeadLetter {
  reason: DeadLetterReason;
  error: string;
  envelope: Envelope;
  at: number;
}

/** A durable message not yet acknowledged. */
export interface StoredMessage {
  envelope: Envelope;
  /** Times it was handed to a receiver's handler, including the one in progress. */
  deliveries: number;
}

/**
 * The bus's storage port: durable messages (stored before delivery, deleted on acknowledgement)
 * and dead letters. Adapters: SQLite (src/store/sqlite/message-store.ts), memory
 * (src/bus/memory/message-store.ts); a PostgreSQL adapter implements the same methods.
 */
export interface MessageStore {
  /**
   * Stores durable messages in one transaction (the bus batches those sent in the same tick);
   * saving an id twice keeps the first. A body JSON cannot hold fails the whole batch with
   * BUS_INVALID_ENVELOPE before anything is written.
   */
  save(envelopes: readonly Envelope[], now: number): Promise<void>;
  /** Unacknowledged messages addressed to any of `receivers` (e.g. `agent:x`, `role:r`), oldest first. */
  pending(receivers: readonly string[], limit: number): Promise<StoredMessage[]>;
  /** Counts a delivery attempt and returns the new count. */
  markDelivery(messageId: string, now: number): Promise<number>;
  /** Acknowledges (deletes) durable messages in one transaction; unknown ids are ignored. */
  ack(messageIds: readonly string[]): Promise<void>;
  /** Records a dead letter; when the message was durable it is removed from the pending set. */
  addDeadLetter(letter: NewDeadLetter): Promise<void>;
  /** Newest first. */
  deadLetters(options: { limit: number }): Promise<DeadLetter[]>;
  /** Deletes dead letters recorded before `before`; returns how many. */
  pruneDeadLetters(before: number): Promise<number>;
}

/** A durable message must survive a restart, so its body must be JSON. Every adapter stores this. */
export function durableJson(envelope: Envelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (cause) {
    const message = `a durable message body must be JSON (${(cause as Error).message})`;
    throw new MagnaError('BUS_INVALID_ENVELOPE', `Invalid message envelope: body: ${message}`, {
      cause,
      details: { issues: [{ path: 'body', message }] },
    });
  }
}
