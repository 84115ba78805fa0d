import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';
import { epochMs } from '../schemas.js';

export const authRoutes = [
  defineRoute({
    method: 'POST',
    url: '/auth/token',
    operationId: 'auth.token',
    summary: 'Exchange an API key for a short-lived session token',
    description:
      'Present an API key (not a token) as the Bearer credential. The token is an HS256 JWT that expires after ' +
      '`security.tokenTtlSeconds` (default 15 min), never later than its key; revoking the key ends it at once.',
    tag: 'auth',
    permission: 'session:create',
    body: z.strictObject({}),
    bodyOptional: true,
    response: {
      status: 201,
      description: 'A session token.',
      schema: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: epochMs }),
    },
    handler: async ({ system, principal }) => {
      if (principal.via !== 'key') {
        throw new MagnaError(
          'FORBIDDEN',
          'A session token is obtained with an API key, not with another token.',
        );
      }
      const { token, expiresAt } = await system.security.tokens.issue(principal);
      return { token, tokenType: 'Bearer' as const, expiresAt };
    },
  }),
];
