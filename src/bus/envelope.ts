import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../core/errors.js';

/** The FIPA-ACL subset every message uses to say what it is for. */
export const PERFORMATIVES = [
  'request',
  'inform',
  'query',
  'propose',
  'accept',
  'reject',
  'agree',
  'refuse',
  'failure',
  'cancel',
] as const;
export type Performative = (typeof PERFORMATIVES)[number];

/**
 * Receiver address: `agent:<name>` (one agent's mailbox), `role:<role>` (any agent of a role) or
 * `topic:<a.b.c>` (every subscriber; subscriptions may use `*` for one segment, `>` for the rest).
 */
const address = z
  .string()
  .regex(/^(agent|role|topic):[\w.*>-]{1,200}$/, 'must be agent:<name>, role:<role> or topic:<a.b.c>');

export const envelopeSchema = z.strictObject({
  id: z.string().min(1).max(128),
  performative: z.enum(PERFORMATIVES),
  sender: z.string().min(1).max(200),
  receiver: address,
  conversationId: z.string().min(1).max(128),
  inReplyTo: z.string().min(1).max(128).optional(),
  priority: z.number().int().min(0).max(9),
  /** Epoch ms after which the message is dead-lettered instead of delivered. */
  expiresAt: z.number().int().positive().optional(),
  createdAt: z.number().int().positive(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()),
  /** Opt-in: stored, acknowledged by the receiver, redelivered after a restart until acknowledged. */
  durable: z.boolean().optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** Checks an envelope that crossed a boundary (API, NATS, storage). Throws BUS_INVALID_ENVELOPE naming the field. */
export function parseEnvelope(value: unknown): Envelope {
  const result = envelopeSchema.safeParse(value);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues);
    throw new MagnaError(
      'BUS_INVALID_ENVELOPE',
      `Invalid message envelope: ${details.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { details },
    );
  }
  return result.data;
}

/** Deeper than this is refused: it is either a cycle or nothing a message should carry. */
const MAX_BODY_DEPTH = 64;

/**
 * A body must survive a trip through a broker or a store, so it must be JSON: null, booleans,
 * finite numbers, strings, arrays and plain objects (an `undefined` property is dropped, as
 * JSON.stringify does). Checked when a message is sent, whichever transport carries it, so the
 * in-process bus refuses what NATS could not carry. Throws BUS_INVALID_ENVELOPE naming the path.
 * A walk, not a JSON.stringify: about 10x cheaper for small bodies, and it names the bad field.
 */
export function checkJsonBody(body: unknown): void {
  const bad = firstNonJson(body, 'body', 0);
  if (bad !== undefined) {
    const message = `must be JSON (null, boolean, finite number, string, array, plain object): ${bad}`;
    throw new MagnaError('BUS_INVALID_ENVELOPE', `Invalid message envelope: body: ${message}`, {
      details: { issues: [{ path: 'body', message }] },
    });
  }
}

function firstNonJson(value: unknown, path: string, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_BODY_DEPTH) return `${path} is nested more than ${MAX_BODY_DEPTH} deep (or cyclic)`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const bad = firstNonJson(value[i], `${path}[${i}]`, depth + 1);
          if (bad !== undefined) return bad;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        return `${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}`;
      for (const key in value) {
        const bad = firstNonJson((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
        if (bad !== undefined) return bad;
      }
      return undefined;
    }
    default:
      return `${path} is a ${typeof value}`;
  }
}
