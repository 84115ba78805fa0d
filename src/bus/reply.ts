import { isMagnaError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Envelope, Performative } from './envelope.js';

/** What a handler returns to answer with a performative other than `inform` (e.g. refuse). */
export class Reply {
  constructor(
    readonly performative: Performative,
    readonly body: unknown,
  ) {}
}

/** `return replyWith('refuse', { reason })` from a message handler. */
export function replyWith(performative: Performative, body: unknown): Reply {
  return new Reply(performative, body);
}

/** The reply to `original` from `sender`: same conversation, same priority, trace carried on. */
export function makeReply(
  original: Envelope,
  sender: string,
  performative: Performative,
  body: unknown,
  now: number,
): Envelope {
  const traceparent = original.headers.traceparent;
  return {
    id: newId('msg'),
    performative,
    sender,
    receiver: `agent:${original.sender}`,
    conversationId: original.conversationId,
    inReplyTo: original.id,
    priority: original.priority,
    createdAt: now,
    body: body === undefined ? null : body,
    headers: traceparent === undefined ? {} : { traceparent },
  };
}

/** The body of a `failure` reply: a stable code and a message, never a stack. */
export function failureBody(error: unknown): { code: string; message: string } {
  if (isMagnaError(error)) return { code: error.code, message: error.message };
  return { code: 'BUS_HANDLER_FAILED', message: (error as Error)?.message ?? String(error) };
}
