import { z } from 'zod';
import { SYSTEM_ROLES } from '../../core/principal.js';
import { parseExpiry } from '../../security/keys.js';
import { defineRoute } from '../route.js';
import { ApiKeySchema, idParam } from '../schemas.js';

export const keyRoutes = [
  defineRoute({
    method: 'GET',
    url: '/keys',
    operationId: 'keys.list',
    summary: 'List API keys (never their secrets)',
    tag: 'keys',
    permission: 'keys:manage',
    response: { status: 200, description: 'Every key.', schema: z.object({ keys: z.array(ApiKeySchema) }) },
    handler: async ({ system }) => ({ keys: await system.security.keys.list() }),
  }),
  defineRoute({
    method: 'POST',
    url: '/keys',
    operationId: 'keys.create',
    summary: 'Create an API key; its text is in this response only',
    tag: 'keys',
    permission: 'keys:manage',
    errors: ['KB_INVALID_NAMESPACE'],
    body: z.strictObject({
      role: z.enum(SYSTEM_ROLES),
      name: z.string().min(1).max(100).optional(),
      namespaces: z.array(z.string().min(1).max(200)).max(100).optional(),
      expires: z.string().min(2).max(40).optional().describe('A duration (30d, 12h, 45m) or an ISO date'),
    }),
    response: {
      status: 201,
      description: 'The new key; store `key` now, it is not shown again.',
      schema: z.object({ key: z.string(), record: ApiKeySchema }),
    },
    handler: async ({ system, body, principal }) =>
      system.security.keys.create({
        role: body.role,
        createdBy: principal.id,
        ...(body.name ? { name: body.name } : {}),
        ...(body.namespaces ? { namespaces: body.namespaces } : {}),
        ...(body.expires ? { expiresAt: parseExpiry(body.expires, Date.now()) } : {}),
      }),
  }),
  defineRoute({
    method: 'POST',
    url: '/keys/:id/revoke',
    operationId: 'keys.revoke',
    summary: 'Revoke an API key and every session token made with it',
    tag: 'keys',
    permission: 'keys:manage',
    errors: ['NOT_FOUND'],
    params: idParam,
    response: { status: 200, description: 'The revoked key.', schema: ApiKeySchema },
    handler: async ({ system, params }) => system.security.keys.revoke(params.id),
  }),
];
