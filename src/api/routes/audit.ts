import { z } from 'zod';
import { defineRoute } from '../route.js';
import { AuditRecordSchema, limitParam } from '../schemas.js';

export const auditRoutes = [
  defineRoute({
    method: 'GET',
    url: '/audit',
    operationId: 'audit.list',
    summary: 'Read the audit log, newest first',
    tag: 'audit',
    permission: 'audit:read',
    query: z.strictObject({
      limit: limitParam(1000, 100),
      before: z.coerce.number().int().min(1).optional().describe('Only records with a lower seq (paging)'),
      actor: z.string().max(200).optional(),
      action: z.string().max(200).optional(),
      outcome: z.enum(['ok', 'failed', 'denied', 'auth-failed', 'rate-limited']).optional(),
    }),
    response: {
      status: 200,
      description: 'Audit records.',
      schema: z.object({ records: z.array(AuditRecordSchema) }),
    },
    handler: async ({ system, query }) => ({
      records: await system.security.audit.list({
        limit: query.limit,
        ...(query.before !== undefined ? { beforeSeq: query.before } : {}),
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.outcome !== undefined ? { outcome: query.outcome } : {}),
      }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/audit/verify',
    operationId: 'audit.verify',
    summary: 'Check the audit hash chain from the first record',
    tag: 'audit',
    permission: 'audit:read',
    response: {
      status: 200,
      description: 'The verification; `valid: false` names the first broken record.',
      schema: z.object({
        valid: z.boolean(),
        records: z.number().int(),
        head: z.string().nullable(),
        brokenAt: z.number().int().optional(),
        reason: z.string().optional(),
      }),
    },
    handler: async ({ system }) => system.security.audit.verify(),
  }),
];
