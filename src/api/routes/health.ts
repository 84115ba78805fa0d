import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';
import { PrincipalSchema } from '../schemas.js';

export const healthRoutes = [
  defineRoute({
    method: 'GET',
    url: '/healthz',
    operationId: 'health.live',
    summary: 'Liveness: the process answers',
    tag: 'system',
    permission: null,
    response: { status: 200, description: 'Alive.', schema: z.object({ status: z.literal('ok') }) },
    handler: async () => ({ status: 'ok' as const }),
  }),
  defineRoute({
    method: 'GET',
    url: '/readyz',
    operationId: 'health.ready',
    summary: 'Readiness: the store answers and the process is not draining',
    tag: 'system',
    permission: 'system:read',
    errors: ['UNAVAILABLE'],
    response: {
      status: 200,
      description: 'Ready to serve.',
      schema: z.object({ status: z.literal('ready'), checks: z.object({ store: z.literal('ok') }) }),
    },
    handler: async ({ system }) => {
      if (system.readiness.draining)
        throw new MagnaError('UNAVAILABLE', 'This process is draining (shutting down); send work elsewhere.');
      await system.security.store.ping();
      return { status: 'ready' as const, checks: { store: 'ok' as const } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/whoami',
    operationId: 'auth.whoami',
    summary: 'The principal of the presented credentials',
    tag: 'auth',
    permission: 'system:read',
    response: { status: 200, description: 'The caller.', schema: PrincipalSchema },
    handler: async ({ principal }) => principal,
  }),
];
