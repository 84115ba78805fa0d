import type { AgentMessaging } from '../agents/sdk.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { checkRoutable, invalid } from './addresses.js';
import type { Envelope, Performative } from './envelope.js';

export interface MessagingOptions {
  /** W3C trace context of the work being done (e.g. the incoming message's); carried on every message sent. */
  traceparent?: string;
}

/** The part of the bus the facade needs (kept narrow to avoid an import cycle with bus.ts). */
interface BusLike {
  send(envelope: Envelope): Promise<void>;
  request(envelope: Envelope, options?: { timeoutMs?: number }): Promise<Envelope>;
}

/** version-traceid-parentid-flags, lowercase hex; an all-zero trace or parent id is invalid. */
const TRACEPARENT = /^[\da-f]{2}-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-[\da-f]{2}$/;

/**
 * Sends on behalf of one agent: fills id, sender, conversation, creation time and headers, and
 * checks what agent code chooses (receiver, priority) with plain comparisons rather than the zod
 * schema, since agent code is typed in-process code. An invalid traceparent is dropped, as the
 * W3C trace-context rules say, rather than failing the message.
 */
export function createMessaging(
  bus: BusLike,
  agentName: string,
  options: MessagingOptions,
  clock: Clock,
): AgentMessaging {
  const headers: Record<string, string> =
    options.traceparent !== undefined && TRACEPARENT.test(options.traceparent)
      ? { traceparent: options.traceparent }
      : {};

  const build = (
    receiver: string,
    performative: Performative,
    body: unknown,
    priority: number | undefined,
    conversationId: string | undefined,
  ): Envelope => {
    const p = priority ?? 5;
    if (!Number.isInteger(p) || p < 0 || p > 9) invalid('priority', 'must be an integer from 0 to 9');
    if (conversationId !== undefined && (conversationId.length === 0 || conversationId.length > 128)) {
      invalid('conversationId', 'must be 1 to 128 characters');
    }
    checkRoutable({ receiver });
    return {
      id: newId('msg'),
      performative,
      sender: agentName,
      receiver,
      conversationId: conversationId ?? newId('conv'),
      priority: p,
      createdAt: clock.now(),
      body,
      headers: { ...headers },
    };
  };

  return {
    async send(receiver, performative, body, opts = {}) {
      const envelope = build(receiver, performative, body, opts.priority, opts.conversationId);
      if (opts.durable === true) envelope.durable = true;
      checkRoutable(envelope);
      await bus.send(envelope);
      return envelope;
    },
    async request(receiver, body, opts = {}) {
      const envelope = build(receiver, 'request', body, opts.priority, undefined);
      return bus.request(envelope, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
    },
    async publish(topic, body, opts = {}) {
      const receiver = topic.startsWith('topic:') ? topic : `topic:${topic}`;
      const envelope = build(receiver, opts.performative ?? 'inform', body, undefined, undefined);
      await bus.send(envelope);
      return envelope;
    },
  };
}
