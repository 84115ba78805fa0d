import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';
import { epochMs, limitParam, named } from '../schemas.js';

/**
 * The knowledge base over HTTP. Two layers of access: the route's permission (system role), then
 * the knowledge base's own namespace scope for the caller — its grants, narrowed to the key's
 * namespaces — applied inside every store query, so nothing outside it is ever returned.
 */
const namespaces = z
  .string()
  .max(2000)
  .transform((text) =>
    text
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  )
  .describe('Namespaces separated by commas (each includes the namespaces below it)');

const entityType = z.enum(['person', 'organization', 'place', 'work', 'thing']);
const citation = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  source: z.string(),
  title: z.string().nullable(),
  namespace: z.string(),
});

const SearchHitSchema = named(
  'SearchHit',
  z.object({
    chunkId: z.string(),
    documentId: z.string(),
    namespace: z.string(),
    source: z.string(),
    title: z.string().nullable(),
    text: z.string(),
    score: z.number(),
    signals: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  }),
);
const AnswerSchema = named(
  'Answer',
  z.object({
    question: z.string(),
    found: z.boolean(),
    answer: z.string().nullable(),
    sentences: z.array(z.object({ text: z.string(), citation, score: z.number() })),
    confidence: z.number(),
    citations: z.array(citation),
    label: z.array(z.string()),
    expectedType: z.string().optional(),
    passages: z.array(z.object({ text: z.string(), citation, score: z.number() })).optional(),
    alternatives: z.array(z.object({ text: z.string(), sentence: z.string(), citation })).optional(),
    signals: z.record(z.string(), z.number()).optional(),
  }),
);
const EntitySchema = named(
  'Entity',
  z.object({
    id: z.string(),
    namespace: z.string(),
    type: entityType,
    name: z.string(),
    aliases: z.array(z.string()),
    mergedInto: z.string().nullable(),
    version: z.number().int(),
    createdAt: epochMs,
    updatedAt: epochMs,
  }),
);
const FactSchema = named(
  'Fact',
  z.looseObject({
    id: z.string(),
    namespace: z.string(),
    subjectId: z.string(),
    predicate: z.string(),
    objectId: z.string().nullable(),
    value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
    confidence: z.number(),
    status: z.enum(['active', 'disputed', 'rejected']),
    validFrom: epochMs.nullable(),
    validTo: epochMs.nullable(),
    recordedAt: epochMs,
  }),
);
const DocumentSchema = named(
  'Document',
  z.object({
    id: z.string(),
    namespace: z.string(),
    source: z.string(),
    title: z.string().nullable(),
    contentHash: z.string(),
    version: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
    text: z.string(),
    createdBy: z.string(),
    createdAt: epochMs,
    updatedAt: epochMs,
  }),
);

function notFound(what: string, id: string): never {
  throw new MagnaError('NOT_FOUND', `No ${what} ${id} in the namespaces this key may read.`, {
    details: { id },
  });
}

export const knowledgeRoutes = [
  defineRoute({
    method: 'GET',
    url: '/knowledge/search',
    operationId: 'knowledge.search',
    summary: 'Search documents (keyword or hybrid)',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['KB_INVALID_NAMESPACE'],
    query: z.strictObject({
      q: z.string().min(1).max(4000),
      mode: z.enum(['keyword', 'hybrid']).optional(),
      limit: limitParam(100, 10),
      namespaces: namespaces.optional(),
    }),
    response: {
      status: 200,
      description: 'Passages, best first.',
      schema: z.object({ hits: z.array(SearchHitSchema) }),
    },
    handler: async ({ system, principal, query }) => ({
      hits: await system.knowledge.search(principal, query.q, {
        limit: query.limit,
        ...(query.mode ? { mode: query.mode } : {}),
        ...(query.namespaces ? { namespaces: query.namespaces } : {}),
      }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/ask',
    operationId: 'knowledge.ask',
    summary: 'Answer a question from the knowledge base, with citations',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['KB_INVALID_NAMESPACE'],
    query: z.strictObject({
      q: z.string().min(1).max(4000).describe('The question'),
      namespaces: namespaces.optional(),
      passages: z.coerce.number().int().min(1).max(50).optional(),
    }),
    response: { status: 200, description: 'The answer, or found: false.', schema: AnswerSchema },
    handler: async ({ system, principal, query }) =>
      system.knowledge.answer(principal, query.q, {
        ...(query.namespaces ? { namespaces: query.namespaces } : {}),
        ...(query.passages ? { passages: query.passages } : {}),
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/entities',
    operationId: 'knowledge.entities',
    summary: 'Find entities by name and type',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['KB_INVALID_NAMESPACE'],
    query: z.strictObject({
      name: z.string().min(1).max(500).optional(),
      type: entityType.optional(),
      namespace: z.string().max(200).optional(),
      limit: limitParam(500, 50),
    }),
    response: {
      status: 200,
      description: 'Entities.',
      schema: z.object({ entities: z.array(EntitySchema) }),
    },
    handler: async ({ system, principal, query }) => ({
      entities: await system.knowledge.findEntities(principal, {
        limit: query.limit,
        ...(query.name ? { name: query.name } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.namespace ? { namespace: query.namespace } : {}),
      }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/entities/:id',
    operationId: 'knowledge.entity',
    summary: 'One entity with its facts',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['NOT_FOUND'],
    params: z.strictObject({ id: z.string().min(1).max(500).describe('Entity id or name') }),
    query: z.strictObject({ namespace: z.string().max(200).optional() }),
    response: {
      status: 200,
      description: 'The entity, its facts and the passages that mention it.',
      schema: z.object({
        entity: EntitySchema,
        facts: z.array(FactSchema),
        incoming: z.array(FactSchema),
        chunks: z.array(z.object({ chunkId: z.string(), role: z.string() })),
      }),
    },
    handler: async ({ system, principal, params, query }) =>
      (await system.knowledge.entity(principal, params.id, query.namespace)) ?? notFound('entity', params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/facts',
    operationId: 'knowledge.facts',
    summary: 'Facts by subject, predicate or object, with time travel',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['KB_INVALID_NAMESPACE', 'KB_UNKNOWN_PREDICATE'],
    query: z.strictObject({
      subject: z.string().max(500).optional(),
      predicate: z.string().max(200).optional(),
      object: z.string().max(500).optional(),
      namespace: z.string().max(200).optional(),
      asOf: z
        .string()
        .max(40)
        .optional()
        .describe('Knowledge as recorded at this time (ISO date or epoch ms)'),
      validAt: z.string().max(40).optional().describe('Facts true in the world at this time'),
      limit: limitParam(1000, 100),
    }),
    response: { status: 200, description: 'Facts.', schema: z.object({ facts: z.array(FactSchema) }) },
    handler: async ({ system, principal, query }) => {
      const time = (text: string | undefined) =>
        text === undefined ? undefined : /^\d+$/.test(text) ? Number(text) : text;
      const asOf = time(query.asOf);
      const validAt = time(query.validAt);
      return {
        facts: await system.knowledge.facts(principal, {
          limit: query.limit,
          ...(query.subject ? { subject: query.subject } : {}),
          ...(query.predicate ? { predicate: query.predicate } : {}),
          ...(query.object ? { object: query.object } : {}),
          ...(query.namespace ? { namespace: query.namespace } : {}),
          ...(asOf !== undefined ? { asOf } : {}),
          ...(validAt !== undefined ? { validAt } : {}),
        }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/documents',
    operationId: 'knowledge.documents',
    summary: 'List documents',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['KB_INVALID_NAMESPACE'],
    query: z.strictObject({ namespace: z.string().max(200).optional(), limit: limitParam(500, 50) }),
    response: {
      status: 200,
      description: 'Documents, with their text.',
      schema: z.object({ documents: z.array(DocumentSchema) }),
    },
    handler: async ({ system, principal, query }) => ({
      documents: await system.knowledge.store.documents(await system.knowledge.scope(principal, 'reader'), {
        limit: query.limit,
        ...(query.namespace ? { namespace: query.namespace } : {}),
      }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/knowledge/documents/:id',
    operationId: 'knowledge.document',
    summary: 'One document by id (or by source with ?namespace=)',
    tag: 'knowledge',
    permission: 'knowledge:read',
    errors: ['NOT_FOUND'],
    params: z.strictObject({ id: z.string().min(1).max(2048) }),
    query: z.strictObject({ namespace: z.string().max(200).optional() }),
    response: { status: 200, description: 'The document.', schema: DocumentSchema },
    handler: async ({ system, principal, params, query }) =>
      (await system.knowledge.document(principal, params.id, query.namespace)) ??
      notFound('document', params.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/knowledge/documents',
    operationId: 'knowledge.ingest',
    summary: 'Ingest documents: chunk, index, extract entities and facts',
    tag: 'knowledge',
    permission: 'knowledge:write',
    errors: ['KB_INVALID_DOCUMENT', 'KB_INVALID_NAMESPACE', 'KB_FORBIDDEN', 'KB_VERSION_CONFLICT'],
    body: z.strictObject({
      namespace: z.string().min(1).max(200).optional(),
      documents: z
        .array(
          z.strictObject({
            source: z.string().min(1).max(2048),
            title: z.string().max(1000).optional(),
            text: z.string().min(1),
            metadata: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .min(1)
        .max(1000),
      extract: z.boolean().optional(),
      trust: z.number().min(0).max(1).optional(),
      expectedVersions: z.record(z.string(), z.number().int().min(0)).optional(),
    }),
    response: {
      status: 201,
      description: 'What was stored.',
      schema: z.looseObject({
        namespace: z.string(),
        documents: z.array(
          z.looseObject({
            documentId: z.string(),
            source: z.string(),
            version: z.number().int(),
            created: z.boolean(),
          }),
        ),
        counts: z.record(z.string(), z.number().int()),
      }),
    },
    handler: async ({ system, principal, body }) => system.knowledge.ingest(principal, body),
  }),
];
