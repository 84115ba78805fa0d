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

export interface ClaimOptions {
  receivers: readonly string[];
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /**
   * Also take messages no process has taken over yet, whatever their lease: a receiver that
   * registers gets what was stored while nobody listened. Lease sweeps leave them alone, since
   * their live copy may be on its way to another process.
   */
  unowned: boolean;
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
   * BUS_INVALID_ENVELOPE before anything is written. Each starts with a lease of `leaseMs` and
   * no owner: the time its live copy has to reach a receiver, which then takes it over (renew).
   */
  save(envelopes: readonly Envelope[], now: number, leaseMs: number): Promise<void>;
  /**
   * Takes over unacknowledged messages addressed to any of `receivers` (e.g. `agent:x`,
   * `role:r`) whose lease has run out, oldest first: sets `owner` and a lease of `leaseMs`, in one
   * statement, so that of several processes hosting a role only one loads each message. A
   * network adapter times leases on the database's clock and may ignore `now`.
   */
  claim(options: ClaimOptions): Promise<StoredMessage[]>;
  /**
   * Gives leases up: no owner, free for sweeps after `delayMs` (0: a bus closing with messages
   * unacknowledged; a failed handler's lease time, so a retry elsewhere does not spin), and for a
   * registering receiver at once.
   */
  release(messageIds: readonly string[], now: number, delayMs: number): Promise<void>;
  /**
   * Extends the leases of messages `owner` holds (or has just received live) to `leaseMs` from
   * now, taking them over; acknowledged ids are ignored.
   */
  renew(owner: string, messageIds: readonly string[], now: number, leaseMs: number): Promise<void>;
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
