import type { Envelope } from './envelope.js';
import { Mailbox } from './mailbox.js';
import type { TransportSubscription } from './transport.js';

/**
 * A message handler. For a message that expects a reply (request, query, propose, or anything
 * sent with bus.request), the returned value is the reply body (performative `inform`; return
 * replyWith(...) to choose another) and a thrown error becomes a `failure` reply. A durable
 * message is acknowledged when the handler returns (or its promise resolves).
 */
export type MessageHandler = (envelope: Envelope) => unknown;

/** What a receiver needs from its bus; kept narrow so the drain loop stays small. */
export interface ReceiverHost {
  now(): number;
  /** A durable message arriving: false when this bus already holds it (redelivery overlap). */
  admitDurable(envelope: Envelope): boolean;
  /** A durable message about to be handed to its handler (counts the delivery). */
  delivering(envelope: Envelope): void;
  expired(envelope: Envelope, replyTo: string | undefined): void;
  /** The handler finished for a message that needs follow-up (reply, ack, or an error report). */
  settle(
    receiver: Receiver,
    envelope: Envelope,
    replyTo: string | undefined,
    ok: boolean,
    value: unknown,
  ): void;
}

/**
 * Messages handed over in one turn before the drain yields to I/O with setImmediate. At the
 * measured ~0.3 µs per direct message (bench/bus.ts) a full batch of no-op handlers holds the
 * event loop about a millisecond.
 */
const DRAIN_BATCH = 4096;

/**
 * One receiving end (an agent, or a plain subscription): a priority mailbox served by up to
 * `concurrency` handler calls at a time. Transport callbacks only push into the mailbox; the
 * handler never runs on the sender's stack, so a send inside a handler cannot recurse.
 */
export class Receiver {
  readonly mailbox = new Mailbox();
  readonly subscriptions: TransportSubscription[] = [];
  inflight = 0;
  closed = false;
  private scheduled = false;

  constructor(
    readonly name: string,
    private readonly host: ReceiverHost,
    private readonly handler: MessageHandler,
    readonly concurrency: number,
  ) {}

  /** The transport callback. */
  readonly enqueue = (envelope: Envelope, replyTo: string | undefined): void => {
    if (envelope.durable === true && !this.closed && !this.host.admitDurable(envelope)) return;
    this.put(envelope, replyTo);
  };

  /** Queues a message the bus already admitted (a reloaded durable one). */
  put(envelope: Envelope, replyTo: string | undefined): void {
    if (this.closed) return;
    this.mailbox.push(envelope, replyTo);
    if (!this.scheduled && this.inflight < this.concurrency) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  }

  close(): void {
    this.closed = true;
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.subscriptions.length = 0;
    this.mailbox.drain();
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    let budget = DRAIN_BATCH;
    while (this.inflight < this.concurrency && this.mailbox.size > 0 && !this.closed) {
      if (budget-- === 0) {
        this.scheduled = true;
        setImmediate(this.drain);
        return;
      }
      const envelope = this.mailbox.shift() as Envelope;
      this.deliver(envelope, this.mailbox.replyTo);
    }
  };

  private deliver(envelope: Envelope, replyTo: string | undefined): void {
    const expiresAt = envelope.expiresAt;
    if (expiresAt !== undefined && expiresAt <= this.host.now()) {
      this.host.expired(envelope, replyTo);
      return;
    }
    if (envelope.durable === true) this.host.delivering(envelope);
    let result: unknown;
    try {
      result = this.handler(envelope);
    } catch (error) {
      this.host.settle(this, envelope, replyTo, false, error);
      return;
    }
    if (isThenable(result)) {
      this.inflight++;
      result.then(
        (value) => this.finish(envelope, replyTo, true, value),
        (error: unknown) => this.finish(envelope, replyTo, false, error),
      );
    } else if (needsSettle(envelope, replyTo)) {
      this.host.settle(this, envelope, replyTo, true, result);
    }
  }

  private finish(envelope: Envelope, replyTo: string | undefined, ok: boolean, value: unknown): void {
    this.inflight--;
    if (!ok || needsSettle(envelope, replyTo)) this.host.settle(this, envelope, replyTo, ok, value);
    if (!this.scheduled && this.mailbox.size > 0 && !this.closed) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  }
}

/** FIPA performatives that ask the receiver for an answer. */
export function expectsReply(envelope: Envelope, replyTo: string | undefined): boolean {
  const p = envelope.performative;
  return replyTo !== undefined || p === 'request' || p === 'query' || p === 'propose';
}

function needsSettle(envelope: Envelope, replyTo: string | undefined): boolean {
  return envelope.durable === true || expectsReply(envelope, replyTo);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}
