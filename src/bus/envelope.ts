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
