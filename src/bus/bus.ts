import type { AgentMessaging } from '../agents/sdk.js';
import { type Clock, systemClock } from '../core/clock.js';
import { MagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import { addressToSubject, checkRoutable, topicPattern } from './addresses.js';
import { DEFAULT_DURABLE_LEASE_MS, DurableMessages } from './durable.js';
import { checkJsonBody, type Envelope, parseEnvelope } from './envelope.js';
import { HostedAgents } from './hosted.js';
import type { DeadLetter, DeadLetterReason, MessageStore, StoredMessage } from './message-store.js';
import { createMessaging, type MessagingOptions } from './messaging.js';
import { type MessageHandler, Receiver, type ReceiverHost } from './receiver.js';
import { RecentRing } from './recent.js';
import { failureBody, makeReply, Reply } from './reply.js';
import { MAX_TIMEOUT_MS, PendingRequests } from './requests.js';
import type { Transport, TransportSubscription } from './transport.js';
import { WriteChain } from './write-chain.js';

export interface MessageBusOptions {
  transport: Transport;
  store: MessageStore;
  events: EventHub;
  clock?: Clock;
  /** Default time a request waits for its reply (default 30 s). */
  requestTimeoutMs?: number;
  /** Envelopes kept for recent() (default 1000). */
  recentSize?: number;
  /**
   * Lease on the durable messages this bus holds (default 30 s), renewed every third of it; when
   * a process dies, another host of the role takes its messages over once the lease runs out.
   */
  durableLeaseMs?: number;
  /** Errors no caller can receive (a failed ack, a handler that threw on an inform). */
  onError?: (error: unknown, context: string) => void;
}

/** An agent's presence on the bus, returned by registerAgent. */
export interface AgentEndpoint {
  readonly name: string;
  readonly role: string;
  /**
   * Resolves once the agent's subscriptions are in effect (on a broker too) and the durable
   * messages stored for it or its role are in its mailbox.
   */
  readonly ready: Promise<void>;
  /** Messages waiting in this agent's mailbox (not counting those being handled). */
  queued(): number;
  /** Messages being handled now. */
  running(): number;
  /** Also receive topic messages matching `pattern` (`a.*.c`, `a.>`) in this agent's mailbox. */
  subscribe(pattern: string): BusSubscription;
  /** Leaves the bus: stops receiving; queued non-durable messages are dropped. */
  unregister(): void;
}

export interface BusSubscription {
  readonly pattern: string;
  unsubscribe(): void;
}

/** Shared so that the non-durable send path allocates no promise. */
const RESOLVED: Promise<void> = Promise.resolve();
const SUBJECT_CACHE_LIMIT = 10_000;

/**
 * The message bus: direct messages to an agent's priority mailbox (`agent:<name>`, once even when
 * the agent runs in several processes), one agent of a role (`role:<role>`, a queue group: round
 * robin in process, random on NATS), publish/subscribe on topics with NATS wildcards,
 * request/reply with a timeout, expiry, dead letters and opt-in durable messages.
 *
 * Two entry points: `send(envelope)` trusts a typed in-process caller and runs no schema check
 * (the in-process target is >= 1M messages/s, see bench/bus.ts); `accept(value)` is for anything
 * that crossed a boundary and validates first (BUS_INVALID_ENVELOPE naming the field).
 *
 * The runtime hosts an agent with `registerAgent(name, role, handler, { concurrency })`: the
 * handler receives each Envelope addressed to the agent or (one per message) to its role, at most
 * `concurrency` at a time, highest priority first; for a request its return value is the reply.
 */
export class MessageBus {
  readonly id = newId('bus');
  private readonly transport: Transport;
  private readonly store: MessageStore;
  private readonly events: EventHub;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly ring: RecentRing;
  private readonly inbox: string;
  private readonly inboxSubscription: TransportSubscription;
  private readonly pending = new PendingRequests();
  private readonly agents = new HostedAgents();
  private readonly receivers = new Set<Receiver>();
  private readonly subjects = new Map<string, string>();
  private readonly writes: WriteChain;
  private readonly durable: DurableMessages;
  private closed = false;
  private readonly host: ReceiverHost;

  constructor(options: MessageBusOptions) {
    this.transport = options.transport;
    this.store = options.store;
    this.events = options.events;
    this.clock = options.clock ?? systemClock;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.onError =
      options.onError ??
      ((error, context) =>
        process.emitWarning(`bus ${context}: ${(error as Error)?.message ?? String(error)}`, 'MagnaBus'));
    this.ring = new RecentRing(options.recentSize ?? 1000);
    this.inbox = `_inbox.${this.id}`;
    this.inboxSubscription = this.transport.subscribe(this.inbox, (reply) => this.onReply(reply));
    this.writes = new WriteChain(this.onError);
    this.durable = new DurableMessages(
      this.store,
      this.writes,
      this.clock,
      (envelope, reason, error) => this.deadLetter(envelope, reason, error),
      this.id,
      options.durableLeaseMs ?? DEFAULT_DURABLE_LEASE_MS,
    );
    this.host = {
      now: () => this.clock.now(),
      admitDurable: (envelope) => this.durable.admit(envelope),
      delivering: (envelope) => this.durable.delivering(envelope),
      expired: (envelope) => {
        if (envelope.durable === true) this.durable.forget(envelope.id);
        this.deadLetter(envelope, 'BUS_EXPIRED', 'The message expired before it was delivered.');
      },
      settle: (receiver, envelope, replyTo, ok, value) => this.settle(receiver, envelope, replyTo, ok, value),
    };
  }

  /**
   * Routes a typed envelope from a trusted in-process caller, without schema validation. A
   * message nobody can receive, or already expired, is dead-lettered (not thrown). Durable
   * messages resolve once stored; the rest resolve at once.
   */
  send(envelope: Envelope): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    try {
      checkJsonBody(envelope.body);
    } catch (error) {
      return Promise.reject(error);
    }
    if (envelope.durable === true) return this.sendDurable(envelope, undefined);
    this.route(envelope, undefined);
    return RESOLVED;
  }

  /** Validates an envelope from outside (API, broker, file) and sends it; returns the parsed envelope. */
  async accept(value: unknown): Promise<Envelope> {
    const envelope = parseEnvelope(value);
    checkRoutable(envelope);
    await this.send(envelope);
    return envelope;
  }

  /**
   * Sends a request and resolves with the reply (correlated by inReplyTo; a handler that threw
   * answers with performative `failure`). Rejects with BUS_TIMEOUT when no reply comes in time,
   * BUS_NO_RECEIVER or BUS_EXPIRED when the request is dead-lettered in this process.
   */
  request(envelope: Envelope, options: { timeoutMs?: number } = {}): Promise<Envelope> {
    if (this.closed) return Promise.reject(closedError());
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      return Promise.reject(
        new MagnaError(
          'INVALID_ARGUMENT',
          `A request timeout must be an integer from 1 to ${MAX_TIMEOUT_MS} ms.`,
        ),
      );
    }
    try {
      checkJsonBody(envelope.body);
    } catch (error) {
      return Promise.reject(error);
    }
    const reply = this.pending.wait(envelope, timeoutMs);
    if (envelope.durable === true)
      this.sendDurable(envelope, this.inbox).catch((error: unknown) => this.pending.fail(envelope.id, error));
    else this.route(envelope, this.inbox);
    return reply;
  }

  registerAgent(
    name: string,
    role: string,
    handler: MessageHandler,
    options: { concurrency?: number } = {},
  ): AgentEndpoint {
    if (this.closed) throw closedError();
    checkRoutable({ receiver: `agent:${name}` });
    checkRoutable({ receiver: `role:${role}` });
    if (this.agents.has(name))
      throw new MagnaError('CONFLICT', `Agent ${name} is already registered on this bus.`);
    const receiver = this.addReceiver(name, handler, options.concurrency ?? 1);
    this.agents.add(name, role, receiver);
    const transport = this.transport;
    // Both are queue groups: an agent (or role) hosted by several processes gets each message once.
    receiver.subscriptions.push(
      transport.subscribe(`agent.${name}`, receiver.enqueue, { queue: `agent.${name}` }),
      transport.subscribe(`role.${role}`, receiver.enqueue, { queue: `role.${role}` }),
    );
    this.durable.startLeases(
      () => this.agents.addresses(),
      (stored) => this.takeOver(stored),
    );
    // Never rejects: a store failure here is reported, and the agent still gets live messages.
    const subscribed = transport
      .ready()
      .catch((error: unknown) => this.onError(error, `subscribing ${name}`));
    const reloaded = this.durable.reload([`agent:${name}`, `role:${role}`]).then(
      (stored) => {
        for (const { envelope } of stored) {
          if (receiver.closed) this.durable.forget(envelope.id);
          else {
            receiver.put(envelope, undefined);
            this.delivered(envelope);
          }
        }
      },
      (error: unknown) => this.onError(error, `loading stored messages for ${name}`),
    );
    const ready = Promise.all([subscribed, reloaded]).then(() => undefined);
    return {
      name,
      role,
      ready,
      queued: () => receiver.mailbox.size,
      running: () => receiver.inflight,
      subscribe: (pattern) => this.subscribeReceiver(receiver, pattern),
      unregister: () => {
        this.agents.remove(name, role, receiver);
        this.removeReceiver(receiver);
      },
    };
  }

  /** A plain topic subscription (not an agent): `handler` gets every matching message, in order. */
  subscribe(
    pattern: string,
    handler: MessageHandler,
    options: { queue?: string; name?: string; concurrency?: number } = {},
  ): BusSubscription {
    if (this.closed) throw closedError();
    const subject = topicPattern(pattern);
    const receiver = this.addReceiver(options.name ?? 'subscriber', handler, options.concurrency ?? 1);
    receiver.subscriptions.push(
      this.transport.subscribe(
        subject,
        receiver.enqueue,
        options.queue === undefined ? {} : { queue: options.queue },
      ),
    );
    return { pattern: subject, unsubscribe: () => this.removeReceiver(receiver) };
  }

  /** The send/request/publish facade an agent's handlers use (fills id, sender, times, trace). */
  messagingFor(agentName: string, options: MessagingOptions = {}): AgentMessaging {
    return createMessaging(this, agentName, options, this.clock);
  }

  /** Recently routed envelopes, newest first, from a bounded in-memory ring. */
  recent(limit = 100): Envelope[] {
    return this.ring.list(limit);
  }

  /** Dead letters, newest first. */
  async deadLetters(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    await this.writes.idle();
    return this.store.deadLetters({ limit: options.limit ?? 100 });
  }

  /** Deletes dead letters recorded before `before` (the retention sweep calls this); returns how many. */
  async pruneDeadLetters(before: number): Promise<number> {
    await this.writes.idle();
    return this.store.pruneDeadLetters(before);
  }

  /**
   * Stops receiving and fails waiting requests. Handlers still running finish, but their durable
   * messages are not acknowledged any more: they are redelivered on the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.durable.stopLeases();
    this.inboxSubscription.unsubscribe();
    for (const receiver of this.receivers) receiver.close();
    this.receivers.clear();
    this.agents.clear();
    this.pending.failAll(closedError());
    await this.writes.idle();
  }

  private route(envelope: Envelope, replyTo: string | undefined): boolean {
    const expiresAt = envelope.expiresAt;
    if (expiresAt !== undefined && expiresAt <= this.clock.now()) {
      this.deadLetter(envelope, 'BUS_EXPIRED', 'The message expired before it was delivered.');
      return false;
    }
    const receiver = envelope.receiver;
    let subject = this.subjects.get(receiver);
    if (subject === undefined) {
      if (this.subjects.size >= SUBJECT_CACHE_LIMIT) this.subjects.clear();
      subject = addressToSubject(receiver);
      this.subjects.set(receiver, subject);
    }
    // Only an in-process transport can know that nobody listens; a stored durable message waits.
    if (this.transport.interest(subject) === 'none') {
      if (envelope.durable !== true)
        this.deadLetter(envelope, 'BUS_NO_RECEIVER', `Nothing can receive ${receiver}.`);
      return false;
    }
    this.transport.publish(subject, envelope, replyTo);
    this.delivered(envelope);
    return true;
  }

  private delivered(envelope: Envelope): void {
    this.ring.push(envelope);
    // Measured: the listener check costs ~6 ns; building and emitting the event ~42 ns with one
    // listener and ~90 ns with an onAny sink too, against ~300 ns for a whole direct message. So
    // the event is built only when someone listens.
    if (this.events.listening('bus:delivered')) {
      this.events.emit('bus:delivered', {
        messageId: envelope.id,
        receiver: envelope.receiver,
        performative: envelope.performative,
      });
    }
  }

  /**
   * Stores first, then routes. With no receiver now, the message stays stored and is delivered
   * when one registers (store-and-forward), unless it expires first.
   */
  private async sendDurable(envelope: Envelope, replyTo: string | undefined): Promise<void> {
    const expiresAt = envelope.expiresAt;
    if (expiresAt !== undefined && expiresAt <= this.clock.now()) {
      this.deadLetter(envelope, 'BUS_EXPIRED', 'The message expired before it was delivered.');
      return;
    }
    checkRoutable(envelope);
    await this.durable.save(envelope);
    if (!this.closed) this.route(envelope, replyTo);
  }

  private settle(
    receiver: Receiver,
    envelope: Envelope,
    replyTo: string | undefined,
    ok: boolean,
    value: unknown,
  ): void {
    if (envelope.durable === true) this.durable.settle(envelope, ok, value, this.closed);
    const p = envelope.performative;
    const wantsReply = replyTo !== undefined || p === 'request' || p === 'query' || p === 'propose';
    if (!wantsReply) {
      // Nobody waits for an answer, so the failure is reported here instead of replied.
      if (!ok) this.onError(value, `handler of ${receiver.name} failed on ${envelope.id}`);
      return;
    }
    if (this.closed) return;
    const now = this.clock.now();
    const reply = !ok
      ? makeReply(envelope, receiver.name, 'failure', failureBody(value), now)
      : value instanceof Reply
        ? makeReply(envelope, receiver.name, value.performative, value.body, now)
        : makeReply(envelope, receiver.name, 'inform', value, now);
    if (replyTo === undefined) {
      this.route(reply, undefined);
    } else if (this.transport.interest(replyTo) === 'none') {
      this.deadLetter(reply, 'BUS_NO_RECEIVER', 'The requester is gone.');
    } else {
      this.transport.publish(replyTo, reply, undefined);
    }
  }

  private onReply(reply: Envelope): void {
    if (!this.pending.answer(reply)) {
      this.deadLetter(
        reply,
        'BUS_NO_RECEIVER',
        'No request waits for this reply any more (timed out or already answered).',
      );
    }
  }

  private deadLetter(envelope: Envelope, reason: DeadLetterReason, error: string): void {
    const at = this.clock.now();
    this.writes.fire(
      () => this.store.addDeadLetter({ reason, error, envelope, at }),
      `recording dead letter ${envelope.id}`,
    );
    this.events.emit('bus:dead-letter', { messageId: envelope.id, receiver: envelope.receiver, reason });
    this.pending.fail(
      envelope.id,
      new MagnaError(reason, error, { details: { messageId: envelope.id, receiver: envelope.receiver } }),
    );
  }

  /** Durable messages claimed from a holder whose lease ran out go to a local receiver of theirs. */
  private takeOver(stored: StoredMessage[]): void {
    for (const { envelope } of stored) {
      const receiver = this.agents.receiverFor(envelope);
      if (this.closed || receiver === undefined) this.durable.forget(envelope.id);
      else {
        receiver.put(envelope, undefined);
        this.delivered(envelope);
      }
    }
  }

  private subscribeReceiver(receiver: Receiver, pattern: string): BusSubscription {
    const subject = topicPattern(pattern);
    const sub = this.transport.subscribe(subject, receiver.enqueue);
    receiver.subscriptions.push(sub);
    return {
      pattern: subject,
      unsubscribe: () => {
        sub.unsubscribe();
        const index = receiver.subscriptions.indexOf(sub);
        if (index >= 0) receiver.subscriptions.splice(index, 1);
      },
    };
  }

  private addReceiver(name: string, handler: MessageHandler, concurrency: number): Receiver {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new MagnaError('INVALID_ARGUMENT', `Receiver ${name}: concurrency must be a positive integer.`);
    }
    const receiver = new Receiver(name, this.host, handler, concurrency);
    this.receivers.add(receiver);
    return receiver;
  }

  private removeReceiver(receiver: Receiver): void {
    for (const envelope of receiver.mailbox.drain())
      if (envelope.durable === true) this.durable.forget(envelope.id);
    receiver.close();
    this.receivers.delete(receiver);
  }
}

function closedError(): MagnaError {
  return new MagnaError('UNAVAILABLE', 'The message bus is closed.');
}
