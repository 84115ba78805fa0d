import { z } from 'zod';
import { PERFORMATIVES } from '../../bus/envelope.js';
import { newId } from '../../core/ids.js';
import { defineRoute } from '../route.js';
import { DeadLetterSchema, EnvelopeSchema, limitParam } from '../schemas.js';
import { viewerOf } from '../visibility.js';

export const messageRoutes = [
  defineRoute({
    method: 'POST',
    url: '/messages',
    operationId: 'messages.send',
    summary: 'Send a message on the bus',
    description:
      'The server fills id, sender (the caller, `key:<id>`) and creation time. A message nobody can receive is ' +
      'dead-lettered, not refused. Mark a durable message `sensitive` to have its stored body encrypted.',
    tag: 'messages',
    permission: 'messages:send',
    errors: ['BUS_INVALID_ENVELOPE'],
    body: z.strictObject({
      receiver: z.string().min(1).max(210).describe('agent:<name>, role:<role> or topic:<a.b.c>'),
      performative: z.enum(PERFORMATIVES),
      body: z.unknown(),
      priority: z.number().int().min(0).max(9).default(5),
      conversationId: z.string().min(1).max(128).optional(),
      inReplyTo: z.string().min(1).max(128).optional(),
      expiresAt: z.number().int().positive().optional(),
      durable: z.boolean().optional(),
      sensitive: z.boolean().optional(),
      headers: z.record(z.string().max(100), z.string().max(1000)).optional(),
    }),
    response: { status: 202, description: 'The message as sent.', schema: EnvelopeSchema },
    handler: async ({ system, body, principal }) => {
      const { sensitive, headers, ...rest } = body;
      return system.bus.accept({
        ...rest,
        id: newId('msg'),
        sender: principal.id,
        conversationId: body.conversationId ?? newId('conv'),
        createdAt: Date.now(),
        headers: { ...(headers ?? {}), ...(sensitive ? { sensitive: 'true' } : {}) },
      });
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/messages/recent',
    operationId: 'messages.recent',
    summary: 'Recently routed messages, newest first',
    tag: 'messages',
    permission: 'messages:read',
    query: z.strictObject({ limit: limitParam(1000, 100) }),
    response: {
      status: 200,
      description: 'Messages.',
      schema: z.object({ messages: z.array(EnvelopeSchema) }),
    },
    handler: async ({ system, query, principal }) => {
      const viewer = viewerOf(system, principal);
      return { messages: system.bus.recent(query.limit).filter((m) => viewer.canSeeMessage(m)) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/messages/dead-letters',
    operationId: 'messages.deadLetters',
    summary: 'Dead-lettered messages, newest first',
    tag: 'messages',
    permission: 'messages:dead-letters',
    query: z.strictObject({ limit: limitParam(1000, 100) }),
    response: {
      status: 200,
      description: 'Dead letters.',
      schema: z.object({ deadLetters: z.array(DeadLetterSchema) }),
    },
    handler: async ({ system, query, principal }) => {
      const viewer = viewerOf(system, principal);
      const deadLetters = await system.bus.deadLetters({ limit: query.limit });
      return { deadLetters: deadLetters.filter((d) => viewer.canSeeMessage(d.envelope)) };
    },
  }),
];
