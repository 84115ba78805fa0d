import type { Envelope } from './envelope.js';

/**
 * The bus's transport port, shaped after NATS core so that a NATS adapter maps one to one:
 *
 * - Subjects are tokens separated by `.`. The bus uses `agent.<name>`, `role.<role>`,
 *   `topic.<a.b.c>` and `_inbox.<busId>` (replies to requests).
 * - A subscription pattern may use `*` (exactly one token) and `>` (one or more trailing tokens).
 * - Subscriptions sharing a `queue` name form a queue group: each message goes to one member.
 * - Request/reply is built by the bus from publish + a reply subject (`replyTo`), as NATS does.
 *
 * The bus checks envelopes (and that bodies are JSON) before they reach a transport; a networked
 * adapter encodes/decodes and re-validates with parseEnvelope on its own edge. The in-process
 * transport hands the same object to its subscribers, so handlers treat bodies as read-only.
 */
export interface Transport {
  /** A name for logs and test titles ("memory", "nats"). */
  readonly name: string;
  /**
   * Hands the envelope to every matching subscription (one member per queue group). It promises
   * nothing about who received it: a broker cannot know. After close, messages are dropped.
   * In-process transports may call handlers synchronously; handlers must not throw.
   */
  publish(subject: string, envelope: Envelope, replyTo?: string): void;
  /**
   * Whether anything can receive `subject` now: `none` only when the transport knows it (the
   * in-process transport sees every subscriber); a broker answers `unknown`.
   */
  interest(subject: string): Interest;
  subscribe(pattern: string, handler: TransportHandler, options?: SubscribeOptions): TransportSubscription;
  /**
   * Resolves once every subscription made so far is in effect (a broker applies them
   * asynchronously: one round trip). In process they take effect at once.
   */
  ready(): Promise<void>;
  /** Stops every subscription; later publishes are dropped. */
  close(): Promise<void>;
}

export type Interest = 'some' | 'none' | 'unknown';

export type TransportHandler = (envelope: Envelope, replyTo: string | undefined) => void;

export interface SubscribeOptions {
  /**
   * Queue group: each message goes to one member of the group. Members are served round robin
   * in process and at random by NATS; neither knows how busy a member is, so a busy receiver
   * simply queues what it gets (its mailbox is priority-ordered).
   */
  queue?: string;
}

export interface TransportSubscription {
  readonly pattern: string;
  unsubscribe(): void;
}

/** True when `pattern` is a valid subscription pattern: non-empty tokens, `>` only last. */
export function isValidPattern(pattern: string): boolean {
  if (pattern.length === 0 || pattern.length > 256) return false;
  const tokens = pattern.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.length === 0 || /\s/.test(token)) return false;
    if (token === '>') {
      if (i !== tokens.length - 1) return false;
    } else if (token !== '*' && (token.includes('*') || token.includes('>'))) {
      return false;
    }
  }
  return true;
}

/** True when `subject` is a valid publish subject: a pattern without wildcards. */
export function isValidSubject(subject: string): boolean {
  return isValidPattern(subject) && !subject.includes('*') && !subject.includes('>');
}
