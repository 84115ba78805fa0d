import { MagnaError } from '../core/errors.js';
import type { Envelope } from './envelope.js';
import { isValidPattern } from './transport.js';

/**
 * Addresses (`agent:x`, `role:r`, `topic:a.b.c`) map to transport subjects by turning the kind's
 * colon into the first token separator: `agent.x`, `role.r`, `topic.a.b.c`. Agent and role names
 * are one token; topics may have several.
 */
export function addressToSubject(address: string): string {
  const colon = address.indexOf(':');
  return colon < 0 ? address : `${address.slice(0, colon)}.${address.slice(colon + 1)}`;
}

/** Names usable as one subject token: what defineAgent allows, plus roles of the same shape. */
const NAME = /^[\w-]{1,200}$/;
/** Topic segments: word characters and `-`, separated by dots. */
const TOPIC = /^[\w-]+(\.[\w-]+)*$/;

/**
 * Checks what the envelope schema cannot: that the receiver is routable (no wildcard in a publish,
 * one-token agent and role names) and that only agent and role messages are durable (a durable
 * message has one receiver that acknowledges it). Throws BUS_INVALID_ENVELOPE naming the field.
 */
export function checkRoutable(envelope: Pick<Envelope, 'receiver' | 'durable'>): void {
  const { receiver } = envelope;
  const colon = receiver.indexOf(':');
  const kind = receiver.slice(0, colon);
  const rest = receiver.slice(colon + 1);
  if (kind === 'topic') {
    if (!TOPIC.test(rest) || rest.length > 200)
      invalid('receiver', 'a topic is dot-separated words without wildcards');
    if (envelope.durable === true) invalid('durable', 'only agent: and role: messages can be durable');
  } else if (kind === 'agent' || kind === 'role') {
    if (!NAME.test(rest)) invalid('receiver', `an ${kind} name is letters, digits, _ or -`);
  } else {
    invalid('receiver', 'must be agent:<name>, role:<role> or topic:<a.b.c>');
  }
}

/** `a.*.c`, `topic:a.*.c` → the transport pattern `topic.a.*.c`. */
export function topicPattern(pattern: string): string {
  const bare = pattern.startsWith('topic:') ? pattern.slice(6) : pattern;
  const subject = `topic.${bare}`;
  if (bare.length === 0 || !isValidPattern(subject)) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `"${pattern}" is not a topic pattern (a.b.c, with * for one segment and > for the rest).`,
    );
  }
  return subject;
}

export function invalid(path: string, message: string): never {
  throw new MagnaError('BUS_INVALID_ENVELOPE', `Invalid message envelope: ${path}: ${message}`, {
    details: { issues: [{ path, message }] },
  });
}
