import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { SYSTEM_PRINCIPAL } from '../../core/principal.js';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { MAINTENANCE_TASKS } from '../../knowledge/maintenance.js';
import { readArtifactText } from '../artifact-access.js';
import { defineSkill, type SkillContext } from '../sdk.js';
import { corpusDocuments, corpusPathFromUpstream } from './corpus.js';

function kbOf(ctx: SkillContext): KnowledgeBase {
  const kb = ctx.services.knowledge;
  if (!kb) throw new MagnaError('UNAVAILABLE', 'This node has no knowledge base configured.');
  return kb;
}

/** Documents are written in batches so progress shows and a cancelled task stops between them. */
const BATCH = 25;

const conflictSummary = z.object({
  id: z.string(),
  predicate: z.string(),
  subjectId: z.string(),
  resolution: z.string(),
  policy: z.string(),
});

export const ingestSkill = defineSkill({
  name: 'knowledge.ingest',
  description:
    'Ingest documents (or a research corpus file) into the knowledge base: chunks, entities, facts.',
  input: z.object({
    namespace: z.string().optional(),
    documents: z.array(z.unknown()).optional(),
    corpusPath: z.string().optional(),
    extract: z.boolean().optional(),
    trust: z.number().min(0).max(1).optional(),
  }),
  output: z.object({
    namespace: z.string(),
    documentIds: z.array(z.string()),
    /** Which document each ingested source became; `sourceId` is the research corpus id. */
    documents: z.array(
      z.object({ documentId: z.string(), source: z.string(), sourceId: z.string().optional() }),
    ),
    counts: z.record(z.string(), z.number()),
    conflicts: z.array(conflictSummary),
    skippedSources: z.number(),
  }),
  async handler(input, ctx) {
    const kb = kbOf(ctx);
    let documents: unknown[];
    let skippedSources = 0;
    if (input.documents) {
      documents = input.documents;
    } else {
      const corpusPath = input.corpusPath ?? corpusPathFromUpstream(ctx.upstream);
      if (!corpusPath) {
        throw new MagnaError(
          'INVALID_ARGUMENT',
          'knowledge.ingest needs documents, a corpusPath, or an upstream step that produced a corpusPath.',
        );
      }
      const corpus = corpusDocuments(await readArtifactText(ctx, corpusPath, 'corpus'), corpusPath);
      documents = corpus.documents;
      skippedSources = corpus.skipped;
    }
    const principal = ctx.principal;
    const documentIds: string[] = [];
    const stored: Array<{ documentId: string; source: string; sourceId?: string }> = [];
    const counts: Record<string, number> = {};
    const conflicts: Array<z.infer<typeof conflictSummary>> = [];
    let namespace = input.namespace ?? 'default';
    for (let i = 0; i < documents.length || i === 0; i += BATCH) {
      if (ctx.signal.aborted) throw new MagnaError('CANCELLED', 'Ingestion was cancelled.');
      const result = await kb.ingest(principal, {
        ...(input.namespace ? { namespace: input.namespace } : {}),
        documents: documents.slice(i, i + BATCH),
        ...(input.extract === undefined ? {} : { extract: input.extract }),
        ...(input.trust === undefined ? {} : { trust: input.trust }),
      });
      namespace = result.namespace;
      documentIds.push(...result.documents.map((d) => d.documentId));
      result.documents.forEach((d, j) => {
        const given = documents[i + j] as { source?: unknown; metadata?: { sourceId?: unknown } } | undefined;
        const sourceId = given?.metadata?.sourceId;
        stored.push({
          documentId: d.documentId,
          source: typeof given?.source === 'string' ? given.source : '',
          ...(typeof sourceId === 'string' ? { sourceId } : {}),
        });
      });
      for (const [k, v] of Object.entries(result.counts)) counts[k] = (counts[k] ?? 0) + v;
      for (const c of result.conflicts)
        conflicts.push({
          id: c.id,
          predicate: c.predicate,
          subjectId: c.subjectId,
          resolution: c.resolution,
          policy: c.policy,
        });
      if (documents.length > 0)
        await ctx.progress(
          Math.min(1, (i + BATCH) / documents.length),
          `${documentIds.length}/${documents.length} documents`,
        );
      if (documents.length === 0) break;
    }
    return { namespace, documentIds, documents: stored, counts, conflicts, skippedSources };
  },
});

export const querySkill = defineSkill({
  name: 'knowledge.query',
  description: 'Search the knowledge base (hybrid BM25 + entity + graph ranking, or keyword only).',
  input: z.object({
    query: z.string(),
    namespaces: z.array(z.string()).optional(),
    limit: z.number().int().min(1).max(100).optional(),
    mode: z.enum(['keyword', 'hybrid']).optional(),
  }),
  output: z.object({ hits: z.array(z.record(z.string(), z.unknown())) }),
  async handler(input, ctx) {
    const hits = await kbOf(ctx).search(ctx.principal, input.query, {
      ...(input.namespaces ? { namespaces: input.namespaces } : {}),
      ...(input.limit ? { limit: input.limit } : {}),
      ...(input.mode ? { mode: input.mode } : {}),
    });
    return { hits: hits as unknown as Array<Record<string, unknown>> };
  },
});

export const answerSkill = defineSkill({
  name: 'knowledge.answer',
  description: 'Answer a question from the knowledge base with cited sentences, or say it was not found.',
  input: z.object({ question: z.string(), namespaces: z.array(z.string()).optional() }),
  output: z.object({
    question: z.string(),
    found: z.boolean(),
    answer: z.string().nullable(),
    confidence: z.number(),
    citations: z.array(z.record(z.string(), z.unknown())),
    sentences: z.array(z.record(z.string(), z.unknown())),
    label: z.array(z.string()),
    expectedType: z.string().optional(),
    passages: z.array(z.record(z.string(), z.unknown())).optional(),
    alternatives: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
  async handler(input, ctx) {
    const result = await kbOf(ctx).answer(
      ctx.principal,
      input.question,
      input.namespaces ? { namespaces: input.namespaces } : {},
    );
    return result as unknown as {
      question: string;
      found: boolean;
      answer: string | null;
      confidence: number;
      citations: Array<Record<string, unknown>>;
      sentences: Array<Record<string, unknown>>;
      label: string[];
      expectedType?: string;
      passages?: Array<Record<string, unknown>>;
      alternatives?: Array<Record<string, unknown>>;
    };
  },
});

export const maintainSkill = defineSkill({
  name: 'knowledge.maintain',
  description:
    'Maintenance: duplicate entities (report or merge), stale-fact expiry, integrity check, compaction.',
  input: z.object({
    tasks: z.array(z.enum(MAINTENANCE_TASKS)).optional(),
    namespaces: z.array(z.string()).optional(),
    merge: z.boolean().optional(),
    retainMs: z.number().int().positive().optional(),
  }),
  output: z.record(z.string(), z.unknown()),
  async handler(input, ctx) {
    // Maintenance is the runtime's own job (a scheduled or on-demand task), so it runs as the system.
    // Scheduled maintenance (no submitter) runs as the system; a submitted one as its submitter.
    const actor = ctx.principal.id === `agent:${ctx.agent.name}` ? SYSTEM_PRINCIPAL : ctx.principal;
    const report = await kbOf(ctx).maintain(actor, {
      ...(input.tasks ? { tasks: input.tasks } : {}),
      ...(input.namespaces ? { namespaces: input.namespaces } : {}),
      ...(input.merge === undefined ? {} : { merge: input.merge }),
      ...(input.retainMs ? { retainMs: input.retainMs } : {}),
    });
    return report as Record<string, unknown>;
  },
});
