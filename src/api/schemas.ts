import { z } from 'zod';
import { PERFORMATIVES } from '../bus/envelope.js';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';
import { SYSTEM_ROLES } from '../core/principal.js';

/**
 * Response schemas shared by the routes and the OpenAPI document. A schema given a name with
 * `named()` becomes a component (`#/components/schemas/<Name>`) in the document.
 */
const names = new WeakMap<z.ZodType, string>();

export function named<T extends z.ZodType>(name: string, schema: T): T {
  names.set(schema, name);
  return schema;
}

export function nameOf(schema: z.ZodType): string | undefined {
  return names.get(schema);
}

const errorCodes = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const ErrorBody = named(
  'Error',
  z.object({
    error: z.object({
      code: z.enum(errorCodes).describe('Stable code from the error registry (docs/errors.md).'),
      message: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .describe('Machine-readable context; `issues` lists field paths for 400s.'),
    }),
  }),
);

export const epochMs = z.number().int().describe('Epoch milliseconds');
const taskError = z.object({ code: z.string(), message: z.string() });
const taskState = z.enum(['waiting', 'queued', 'running', 'succeeded', 'dead', 'cancelled']);

export const TaskSchema = named(
  'Task',
  z.object({
    id: z.string(),
    seq: z.number().int(),
    skill: z.string(),
    input: z.unknown(),
    output: z.unknown(),
    state: taskState,
    priority: z.number().int(),
    runAt: epochMs,
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    timeoutMs: z.number().int(),
    idempotencyKey: z.string().nullable(),
    missionId: z.string().nullable(),
    parentId: z.string().nullable(),
    tags: z.array(z.string()),
    dependsOn: z.array(z.string()),
    waitingOn: z.number().int(),
    leaseOwner: z.string().nullable(),
    leaseExpiresAt: epochMs.nullable(),
    progress: z.number().nullable(),
    progressMessage: z.string().nullable(),
    lastError: taskError.nullable(),
    cancelReason: z.string().nullable(),
    createdAt: epochMs,
    startedAt: epochMs.nullable(),
    finishedAt: epochMs.nullable(),
  }),
);
export { taskState };

const missionStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export { missionStatus };

export const MissionResultSchema = named(
  'MissionResult',
  z.object({
    steps: z.record(
      z.string(),
      z.object({
        taskId: z.string(),
        skill: z.string(),
        state: z.string(),
        output: z.unknown(),
        error: taskError.optional(),
      }),
    ),
    artifacts: z.array(
      z.object({
        name: z.string().describe('Path inside the mission folder'),
        url: z.string().describe('Where to download it'),
      }),
    ),
    warnings: z
      .array(z.string())
      .optional()
      .describe('Problems that did not fail the mission, e.g. a source that could not be read'),
  }),
);

export const MissionSchema = named(
  'Mission',
  z.object({
    id: z.string(),
    goal: z.string(),
    template: z.string(),
    options: z.record(z.string(), z.unknown()),
    status: missionStatus,
    createdAt: epochMs,
    finishedAt: epochMs.nullable(),
  }),
);

export const MissionViewSchema = named(
  'MissionView',
  MissionSchema.extend({
    tasks: z.array(
      z.object({
        id: z.string(),
        step: z.string(),
        skill: z.string(),
        state: taskState,
        attempt: z.number().int(),
        progress: z.number().nullable(),
        progressMessage: z.string().nullable(),
        lastError: taskError.nullable(),
      }),
    ),
    progress: z.object({
      total: z.number().int(),
      finished: z.number().int(),
      byState: z.record(z.string(), z.number().int()),
    }),
  }),
);

export const AgentSchema = named(
  'Agent',
  z.object({
    id: z.string().describe('<name>@<nodeId>'),
    name: z.string(),
    role: z.string(),
    nodeId: z.string(),
    skills: z.array(z.string()),
    concurrency: z.number().int(),
    status: z.enum(['starting', 'idle', 'busy', 'draining', 'down']),
    load: z.number().int(),
    startedAt: epochMs,
    heartbeatAt: epochMs,
  }),
);

export const EnvelopeSchema = named(
  'Envelope',
  z.object({
    id: z.string(),
    performative: z.enum(PERFORMATIVES),
    sender: z.string(),
    receiver: z.string(),
    conversationId: z.string(),
    inReplyTo: z.string().optional(),
    priority: z.number().int(),
    expiresAt: epochMs.optional(),
    createdAt: epochMs,
    body: z.unknown(),
    headers: z.record(z.string(), z.string()),
    durable: z.boolean().optional(),
  }),
);

export const DeadLetterSchema = named(
  'DeadLetter',
  z.object({
    seq: z.number().int(),
    messageId: z.string(),
    receiver: z.string(),
    reason: z.string(),
    error: z.string(),
    envelope: EnvelopeSchema,
    at: epochMs,
  }),
);

export const ApiKeySchema = named(
  'ApiKey',
  z.object({
    id: z.string(),
    name: z.string(),
    role: z.enum(SYSTEM_ROLES),
    namespaces: z.array(z.string()).nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
    createdAt: epochMs,
    createdBy: z.string(),
    expiresAt: epochMs.nullable(),
    revokedAt: epochMs.nullable(),
    lastUsedAt: epochMs.nullable(),
  }),
);

export const AuditRecordSchema = named(
  'AuditRecord',
  z.object({
    seq: z.number().int(),
    at: epochMs,
    actor: z.string().describe('`key:<id>`, `cli:<user>`, `system` or `anonymous`'),
    role: z.string().nullable(),
    action: z.string(),
    target: z.string(),
    ip: z.string().nullable(),
    outcome: z.enum(['ok', 'failed', 'denied', 'auth-failed', 'rate-limited']),
    status: z.number().int().nullable(),
    details: z.string().nullable().describe('JSON text, hashed as stored'),
    prevHash: z.string(),
    hash: z.string(),
  }),
);

export const PrincipalSchema = named(
  'Principal',
  z.object({
    id: z.string(),
    role: z.enum(SYSTEM_ROLES),
    keyId: z.string(),
    via: z.enum(['key', 'token']),
    namespaces: z.array(z.string()).optional(),
  }),
);

/** Query-string integers arrive as text. */
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).describe(`At most ${max}; default ${fallback}`);

export const idParam = z.strictObject({ id: z.string().min(1).max(200) });
