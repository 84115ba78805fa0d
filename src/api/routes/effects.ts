import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';

const EffectSchema = z.object({
  key: z.string().describe('Stable key; deliveries carry it as Idempotency-Key'),
  taskId: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  createdAt: z.number().int(),
  deliveredAt: z.number().int().nullable().describe('null until a sink accepted it'),
});

export const effectRoutes = [
  defineRoute<Record<string, never>, { pending?: boolean; limit?: number }>({
    method: 'GET',
    url: '/effects',
    operationId: 'effects.list',
    summary: 'The outbox: effects recorded by completed tasks and whether each was delivered',
    tag: 'tasks',
    permission: 'effects:read',
    errors: ['STORE_UNSUPPORTED'],
    query: z.object({
      pending: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true')
        .describe('only undelivered effects, oldest first'),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    response: { status: 200, description: 'Effects.', schema: z.object({ effects: z.array(EffectSchema) }) },
    handler: async ({ system, query }) => {
      if (!system.effects)
        throw new MagnaError('STORE_UNSUPPORTED', 'The effect outbox is read from the embedded store only.');
      return {
        effects: await system.effects.list({
          ...(query.pending ? { pending: true } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
        }),
      };
    },
  }),
];
