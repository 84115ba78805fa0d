import { MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { prepareDocument, validateDocuments } from './ingest.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { DEFAULT_NAMESPACE, validateNamespace } from './namespaces.js';
import type { DocumentWriteOutcome } from './store-port.js';
import type { DocumentWriteResult, KbConflict } from './types.js';

export interface IngestRequest {
  namespace?: string;
  documents: unknown;
  /** Skip entity and fact extraction (bulk loads; search still works). */
  extract?: boolean;
  /** Trust in these documents' source, 0..1 (default 1); conflicting facts compare confidence × trust. */
  trust?: number;
  /** Per source, the version the writer read (optimistic concurrency); 0 = must be new. */
  expectedVersions?: Record<string, number>;
}

export interface IngestResult {
  namespace: string;
  documents: DocumentWriteResult[];
  counts: {
    documents: number;
    created: number;
    revised: number;
    unchanged: number;
    chunks: number;
    entities: number;
    facts: number;
    conflicts: number;
  };
  conflicts: KbConflict[];
}

/** The body of KnowledgeBase.ingest: validate, extract, then write the batch in one transaction. */
export async function ingestBatch(
  kb: KnowledgeBase,
  principal: Principal,
  request: IngestRequest,
): Promise<IngestResult> {
  await kb.init();
  const namespace = validateNamespace(request.namespace ?? DEFAULT_NAMESPACE);
  await kb.requireRole(principal, namespace, 'writer');
  const documents = validateDocuments(request.documents, kb.limits);
  const trust = request.trust ?? 1;
  if (!(trust >= 0 && trust <= 1)) throw new MagnaError('INVALID_ARGUMENT', 'trust must be between 0 and 1.');
  const sources = new Set<string>();
  for (const d of documents) {
    if (sources.has(d.source))
      throw new MagnaError('KB_INVALID_DOCUMENT', `Source ${d.source} appears twice in one batch.`);
    sources.add(d.source);
  }
  const registry = kb.registryNow;
  // Extraction runs first, outside the write transaction; the writes then take one transaction.
  const predicateNames = new Set(registry.keys());
  const writes = documents.map((doc) => {
    const expectedVersion = request.expectedVersions?.[doc.source];
    const prepared = prepareDocument(doc, {
      predicates: predicateNames,
      ...(kb.chunking ? { chunking: kb.chunking } : {}),
      ...(request.extract === undefined ? {} : { extract: request.extract }),
    });
    return {
      namespace,
      prepared,
      actor: principal.id,
      trust,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    };
  });
  const outcomes = writes.length > 0 ? await kb.store.writeDocuments(writes, registry, kb.hooks()) : [];
  const results = outcomes.map((outcome) => {
    announce(kb, outcome);
    return toResult(outcome);
  });
  const conflicts = results.flatMap((r) => r.conflicts);
  const counts = {
    documents: results.length,
    created: results.filter((r) => r.created).length,
    revised: results.filter((r) => !r.created && !r.unchanged).length,
    unchanged: results.filter((r) => r.unchanged).length,
    chunks: results.reduce((a, r) => a + r.chunks, 0),
    entities: results.reduce((a, r) => a + r.entities, 0),
    facts: results.reduce((a, r) => a + r.facts, 0),
    conflicts: conflicts.length,
  };
  if (kb.embeddings && counts.chunks > 0)
    await kb
      .embedPending(principal)
      .catch((error: unknown) =>
        kb.logger?.warn({ err: error }, 'embedding new chunks failed; they will be embedded later'),
      );
  return { namespace, documents: results, counts, conflicts };
}

function announce(kb: KnowledgeBase, outcome: DocumentWriteOutcome): void {
  if (!kb.events || outcome.unchanged) return;
  const d = outcome.document;
  kb.events.emit('kb:document', {
    documentId: d.id,
    namespace: d.namespace,
    version: d.version,
    created: outcome.created,
  });
  for (const f of outcome.facts)
    if (f.created)
      kb.events.emit('kb:fact', {
        factId: f.fact.id,
        namespace: f.fact.namespace,
        predicate: f.fact.predicate,
      });
  for (const c of outcome.conflicts) kb.announceConflict(c);
}

function toResult(outcome: DocumentWriteOutcome): DocumentWriteResult {
  return {
    documentId: outcome.document.id,
    namespace: outcome.document.namespace,
    source: outcome.document.source,
    version: outcome.document.version,
    created: outcome.created,
    unchanged: outcome.unchanged,
    chunks: outcome.chunkIds.length,
    entities: outcome.entityIds.length,
    facts: outcome.facts.filter((f) => f.created).length,
    conflicts: outcome.conflicts,
  };
}
