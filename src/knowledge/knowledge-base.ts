import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Principal } from '../core/principal.js';
import type { Logger } from '../observability/logger.js';
import { type AccessPolicy, DEFAULT_ACCESS_POLICY, KB_ROLES, narrowScope, requireIn, type Scope, scopeFor } from './access.js';
import { decideFact } from './consistency.js';
import { requireWhen } from './dates.js';
import type { EmbeddingProvider } from './embeddings.js';
import { exportJsonLines, exportJsonLinesText, exportNTriples, importJsonLines } from './exchange.js';
import { maintain, type MaintenanceOptions, type MaintenanceReport } from './maintenance.js';
import { type AnswerOptions, answer } from './query/answer.js';
import { type EntityView, entityView, type FactQuery, findEntities, neighbourhood, queryFacts } from './query/graph.js';
import { type SearchOptions, search } from './query/retrieval.js';
import { DEFAULT_LIMITS, type IngestLimits, prepareDocument, validateDocuments } from './ingest.js';
import { DEFAULT_NAMESPACE, validateNamespace } from './namespaces.js';
import { BUILTIN_PREDICATES, type PredicateDefinition, parsePredicate, unknownPredicate } from './predicates.js';
import { resolveEntity } from './resolution.js';
import type { DocumentWriteOutcome, KnowledgeStore, WriteHooks } from './store-port.js';
import type { ChunkingOptions } from './text/chunker.js';
import type {
  Answer,
  DocumentInput,
  DocumentWriteResult,
  EntityType,
  FactInput,
  FactWriteResult,
  KbConflict,
  KbAuditRecord,
  KbDocument,
  KbEntity,
  KbFact,
  KbGrant,
  KbMerge,
  KbRole,
  Neighbourhood,
  SearchHit,
} from './types.js';

export interface KnowledgeBaseOptions {
  events?: EventHub;
  clock?: Clock;
  logger?: Logger;
  access?: AccessPolicy;
  limits?: Partial<IngestLimits>;
  chunking?: ChunkingOptions;
  embeddings?: EmbeddingProvider;
}

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
  counts: { documents: number; created: number; revised: number; unchanged: number; chunks: number; entities: number; facts: number; conflicts: number };
  conflicts: KbConflict[];
}

const factInputSchema = z
  .object({
    namespace: z.string(),
    subject: z.union([z.string().trim().min(1), z.object({ id: z.string().min(1) })]),
    predicate: z.string().min(1),
    object: z.union([z.string().trim().min(1), z.object({ id: z.string().min(1) })]).optional(),
    value: z.union([z.string(), z.number().finite(), z.boolean()]).optional(),
    confidence: z.number().min(0).max(1).optional(),
    trust: z.number().min(0).max(1).optional(),
    validFrom: z.union([z.number(), z.string()]).optional(),
    validTo: z.union([z.number(), z.string()]).optional(),
    source: z.string().max(2048).optional(),
    chunkIds: z.array(z.string()).max(100).optional(),
    subjectType: z.enum(['person', 'organization', 'place', 'work', 'thing']).optional(),
    objectType: z.enum(['person', 'organization', 'place', 'work', 'thing']).optional(),
  })
  .strict();

/**
 * The shared knowledge base: documents, a knowledge graph of entities and facts, search and
 * question answering, with per-namespace access control enforced in every store query. Every
 * method takes the acting principal first.
 */
export class KnowledgeBase {
  readonly store: KnowledgeStore;
  readonly clock: Clock;
  readonly events: EventHub | undefined;
  readonly logger: Logger | undefined;
  readonly embeddings: EmbeddingProvider | undefined;
  readonly limits: IngestLimits;
  private readonly access: AccessPolicy;
  private readonly chunking: ChunkingOptions | undefined;
  private registry: Map<string, PredicateDefinition> | null = null;
  private ready: Promise<void> | null = null;

  constructor(store: KnowledgeStore, options: KnowledgeBaseOptions = {}) {
    this.store = store;
    this.clock = options.clock ?? systemClock;
    this.events = options.events;
    this.logger = options.logger;
    this.embeddings = options.embeddings;
    this.access = options.access ?? DEFAULT_ACCESS_POLICY;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.chunking = options.chunking;
  }

  /** Seeds the built-in predicates once per process (never overwriting edited ones). */
  private async init(): Promise<void> {
    this.ready ??= (async () => {
      const now = this.clock.now();
      for (const p of BUILTIN_PREDICATES) await this.store.savePredicate(p, true, 'system', now);
      await this.loadPredicates();
    })();
    await this.ready;
  }

  private async loadPredicates(): Promise<Map<string, PredicateDefinition>> {
    this.registry = new Map((await this.store.predicates()).map((p) => [p.name, p]));
    return this.registry;
  }

  async predicates(): Promise<PredicateDefinition[]> {
    await this.init();
    return [...(await this.loadPredicates()).values()];
  }

  /** Looks a predicate up, re-reading the registry once in case another process added it. */
  async predicate(name: string): Promise<PredicateDefinition> {
    await this.init();
    const known = this.registry?.get(name) ?? (await this.loadPredicates()).get(name);
    if (!known) throw unknownPredicate(name, [...(this.registry?.keys() ?? [])]);
    return known;
  }

  async registerPredicate(principal: Principal, definition: unknown): Promise<PredicateDefinition> {
    await this.init();
    if (principal.role !== 'admin') throw new MagnaError('FORBIDDEN', 'Only administrators change the predicate registry.');
    const parsed = parsePredicate(definition);
    await this.store.savePredicate(parsed, false, principal.id, this.clock.now());
    await this.loadPredicates();
    return parsed;
  }

  // ---- access -----------------------------------------------------------------------------

  /** The namespaces a principal may use at a role, optionally narrowed to the ones asked for. */
  async scope(principal: Principal, role: KbRole, namespaces?: readonly string[]): Promise<Scope> {
    for (const ns of namespaces ?? []) validateNamespace(ns);
    const grants = await this.store.grants(principal.id);
    return narrowScope(scopeFor(principal, grants, role, this.access), namespaces);
  }

  async requireRole(principal: Principal, namespace: string, role: KbRole): Promise<Scope> {
    validateNamespace(namespace);
    const scope = await this.scope(principal, role);
    requireIn(scope, namespace, principal, role);
    return scope;
  }

  async grant(principal: Principal, grant: { principalId: string; namespace: string; role: KbRole }): Promise<KbGrant> {
    if (!KB_ROLES.includes(grant.role)) throw new MagnaError('INVALID_ARGUMENT', `Role must be one of ${KB_ROLES.join(', ')}.`);
    if (!grant.principalId) throw new MagnaError('INVALID_ARGUMENT', 'principalId is required.');
    await this.requireRole(principal, grant.namespace, 'admin');
    const record: KbGrant = { ...grant, grantedBy: principal.id, grantedAt: this.clock.now() };
    await this.store.setGrant(record);
    return record;
  }

  async revoke(principal: Principal, principalId: string, namespace: string): Promise<boolean> {
    await this.requireRole(principal, namespace, 'admin');
    return this.store.removeGrant(principalId, namespace, principal.id, this.clock.now());
  }

  async grants(principal: Principal, principalId?: string): Promise<KbGrant[]> {
    const scope = await this.scope(principal, 'admin');
    const all = await this.store.grants(principalId);
    return all.filter((g) => scope.all || scope.prefixes.some((p) => g.namespace === p || g.namespace.startsWith(`${p}/`)));
  }

  hooks(): WriteHooks {
    return { resolveEntity, decideFact, newId, now: this.clock.now() };
  }

  // ---- writes -----------------------------------------------------------------------------

  /**
   * Ingests a batch. Every document is validated before any is written; each document is then
   * written atomically (a failure stops the batch, earlier documents stay written and are
   * reported in the error's details).
   */
  async ingest(principal: Principal, request: IngestRequest): Promise<IngestResult> {
    await this.init();
    const namespace = validateNamespace(request.namespace ?? DEFAULT_NAMESPACE);
    await this.requireRole(principal, namespace, 'writer');
    const documents = validateDocuments(request.documents, this.limits);
    const trust = request.trust ?? 1;
    if (!(trust >= 0 && trust <= 1)) throw new MagnaError('INVALID_ARGUMENT', 'trust must be between 0 and 1.');
    const sources = new Set<string>();
    for (const d of documents) {
      if (sources.has(d.source)) throw new MagnaError('KB_INVALID_DOCUMENT', `Source ${d.source} appears twice in one batch.`);
      sources.add(d.source);
    }
    const registry = this.registry ?? (await this.loadPredicates());
    const results: DocumentWriteResult[] = [];
    for (const doc of documents) {
      try {
        results.push(await this.writeOne(principal, namespace, doc, request.expectedVersions?.[doc.source], request.extract, trust, registry));
      } catch (error) {
        if (error instanceof MagnaError && results.length > 0) {
          const details = { ...error.details, written: results.map((r) => ({ source: r.source, documentId: r.documentId, version: r.version })) };
          throw new MagnaError(error.code, error.message, { cause: error.cause, details });
        }
        throw error;
      }
    }
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
    if (this.embeddings && counts.chunks > 0) await this.embedPending(principal).catch((error: unknown) => this.logger?.warn({ err: error }, 'embedding new chunks failed; they will be embedded later'));
    return { namespace, documents: results, counts, conflicts };
  }

  /** Writes one document with optimistic concurrency: `expectedVersion` is the version read (0 = new). */
  async putDocument(principal: Principal, namespace: string, document: DocumentInput, options: { expectedVersion?: number; extract?: boolean; trust?: number } = {}): Promise<DocumentWriteResult> {
    const result = await this.ingest(principal, {
      namespace,
      documents: [document],
      ...(options.extract === undefined ? {} : { extract: options.extract }),
      ...(options.trust === undefined ? {} : { trust: options.trust }),
      ...(options.expectedVersion === undefined ? {} : { expectedVersions: { [document.source]: options.expectedVersion } }),
    });
    return result.documents[0]!;
  }

  private async writeOne(
    principal: Principal,
    namespace: string,
    doc: DocumentInput,
    expectedVersion: number | undefined,
    extract: boolean | undefined,
    trust: number,
    registry: ReadonlyMap<string, PredicateDefinition>,
  ): Promise<DocumentWriteResult> {
    const prepared = prepareDocument(doc, {
      predicates: new Set(registry.keys()),
      ...(this.chunking ? { chunking: this.chunking } : {}),
      ...(extract === undefined ? {} : { extract }),
    });
    const outcome = await this.store.writeDocument(
      { namespace, prepared, actor: principal.id, trust, ...(expectedVersion === undefined ? {} : { expectedVersion }) },
      registry,
      this.hooks(),
    );
    this.announce(outcome);
    return {
      documentId: outcome.document.id,
      namespace,
      source: doc.source,
      version: outcome.document.version,
      created: outcome.created,
      unchanged: outcome.unchanged,
      chunks: outcome.chunkIds.length,
      entities: outcome.entityIds.length,
      facts: outcome.facts.filter((f) => f.created).length,
      conflicts: outcome.conflicts,
    };
  }

  private announce(outcome: DocumentWriteOutcome): void {
    if (!this.events || outcome.unchanged) return;
    const d = outcome.document;
    this.events.emit('kb:document', { documentId: d.id, namespace: d.namespace, version: d.version, created: outcome.created });
    for (const f of outcome.facts) if (f.created) this.events.emit('kb:fact', { factId: f.fact.id, namespace: f.fact.namespace, predicate: f.fact.predicate });
    for (const c of outcome.conflicts) this.announceConflict(c);
  }

  private announceConflict(c: KbConflict): void {
    this.events?.emit('kb:conflict', { conflictId: c.id, namespace: c.namespace, predicate: c.predicate, subject: c.subjectId, policy: c.policy, writer: c.writer });
  }

  /** Asserts one fact; the result names any conflict it raised (also sent as a `kb:conflict` event). */
  async assertFact(principal: Principal, input: FactInput & { subjectType?: EntityType; objectType?: EntityType }): Promise<FactWriteResult> {
    await this.init();
    const parsed = factInputSchema.safeParse(input);
    if (!parsed.success) throw new MagnaError('INVALID_ARGUMENT', 'Invalid fact.', { details: issuesToDetails(parsed.error.issues) });
    const f = parsed.data;
    const namespace = validateNamespace(f.namespace);
    await this.requireRole(principal, namespace, 'writer');
    const predicate = await this.predicate(f.predicate);
    if (predicate.objectKind === 'entity' && (f.object === undefined || f.value !== undefined)) {
      throw new MagnaError('INVALID_ARGUMENT', `Predicate ${predicate.name} takes an entity object, not a value.`);
    }
    if (predicate.objectKind === 'value' && (f.value === undefined || f.object !== undefined)) {
      throw new MagnaError('INVALID_ARGUMENT', `Predicate ${predicate.name} takes a ${predicate.valueType} value, not an entity.`);
    }
    const validFrom = requireWhen(f.validFrom, 'validFrom');
    const validTo = requireWhen(f.validTo, 'validTo');
    if (validFrom !== null && validTo !== null && validTo <= validFrom) throw new MagnaError('INVALID_ARGUMENT', 'validTo must be after validFrom.');
    // Derived facts carry the namespaces of every chunk they came from (the strictest label).
    const label = new Set([namespace]);
    let documentId: string | null = null;
    if (f.chunkIds && f.chunkIds.length > 0) {
      const readable = await this.scope(principal, 'reader');
      const chunks = await this.store.chunks(readable, f.chunkIds);
      if (chunks.length !== new Set(f.chunkIds).size) throw new MagnaError('NOT_FOUND', 'A cited chunk does not exist or you may not read it.');
      for (const c of chunks) label.add(c.namespace);
      documentId = chunks.length === 1 ? chunks[0]!.documentId : null;
    }
    const ref = (r: string | { id: string }, type: EntityType | undefined) => (typeof r === 'string' ? { name: r, type: type ?? 'thing' } : r);
    if (typeof f.subject !== 'string') await this.requireReadableEntity(principal, f.subject.id);
    if (f.object !== undefined && typeof f.object !== 'string') await this.requireReadableEntity(principal, f.object.id);
    const outcome = await this.store.writeFact(
      {
        namespace,
        subject: ref(f.subject, f.subjectType),
        predicate: predicate.name,
        object: f.object === undefined ? null : ref(f.object, f.objectType),
        value: f.value ?? null,
        valueType: predicate.objectKind === 'value' ? predicate.valueType : null,
        confidence: f.confidence ?? 1,
        trust: f.trust ?? 1,
        validFrom: predicate.temporal ? validFrom : null,
        validTo: predicate.temporal ? validTo : null,
        source: f.source ?? null,
        documentId,
        chunkId: f.chunkIds?.length === 1 ? f.chunkIds[0]! : null,
        label: [...label].sort(),
        actor: principal.id,
      },
      predicate,
      this.hooks(),
    );
    if (outcome.created) this.events?.emit('kb:fact', { factId: outcome.fact.id, namespace, predicate: predicate.name });
    for (const c of outcome.conflicts) this.announceConflict(c);
    return outcome;
  }

  private async requireReadableEntity(principal: Principal, id: string): Promise<void> {
    const entity = await this.store.entity(await this.scope(principal, 'reader'), id);
    if (!entity) throw new MagnaError('NOT_FOUND', `No entity ${id} that you may read.`);
  }

  async retractFact(principal: Principal, factId: string) {
    return this.store.retractFact(await this.scope(principal, 'writer'), factId, principal.id, this.clock.now());
  }

  async resolveConflict(principal: Principal, conflictId: string, winnerFactId: string | null): Promise<KbConflict> {
    return this.store.resolveConflict(await this.scope(principal, 'curator'), conflictId, winnerFactId, principal.id, this.hooks());
  }

  async merge(principal: Principal, survivorId: string, mergedId: string): Promise<KbMerge> {
    const merge = await this.store.mergeEntities(await this.scope(principal, 'curator'), survivorId, mergedId, principal.id, this.hooks());
    this.events?.emit('kb:merge', { mergeId: merge.id, survivorId, mergedId });
    return merge;
  }

  async unmerge(principal: Principal, mergeId: string): Promise<KbMerge> {
    return this.store.unmerge(await this.scope(principal, 'curator'), mergeId, principal.id, this.clock.now());
  }

  async document(principal: Principal, idOrSource: string, namespace?: string): Promise<KbDocument | null> {
    const scope = await this.scope(principal, 'reader');
    if (namespace) return this.store.documentBySource(scope, validateNamespace(namespace), idOrSource);
    return this.store.document(scope, idOrSource);
  }

  /** Computes embeddings for chunks that lack them (batches of 64), when a provider is set. */
  async embedPending(principal: Principal, limit = 10_000): Promise<number> {
    if (!this.embeddings) return 0;
    const scope = await this.scope(principal, 'reader');
    let done = 0;
    while (done < limit) {
      const batch = await this.store.embeddingsMissing(scope, this.embeddings.model, Math.min(64, limit - done));
      if (batch.length === 0) break;
      const vectors = await this.embeddings.embed(batch.map((b) => b.text));
      await this.store.saveEmbeddings(this.embeddings.model, batch.map((b, i) => ({ chunkId: b.id, vector: vectors[i]! })));
      done += batch.length;
    }
    return done;
  }

  // ---- reads (each filtered by the caller's scope inside the store) ------------------------

  search(principal: Principal, query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return search(this, principal, query, options);
  }

  answer(principal: Principal, question: string, options?: AnswerOptions): Promise<Answer> {
    return answer(this, principal, question, options);
  }

  findEntities(principal: Principal, query: { name?: string; type?: EntityType; namespace?: string; limit?: number }): Promise<KbEntity[]> {
    return findEntities(this, principal, query);
  }

  entity(principal: Principal, idOrName: string, namespace?: string): Promise<EntityView | null> {
    return entityView(this, principal, idOrName, namespace);
  }

  facts(principal: Principal, query: FactQuery): Promise<KbFact[]> {
    return queryFacts(this, principal, query);
  }

  neighbourhood(principal: Principal, idOrName: string, options?: { hops?: number; limit?: number; namespace?: string }): Promise<Neighbourhood | null> {
    return neighbourhood(this, principal, idOrName, options);
  }

  async conflicts(principal: Principal, filter: { namespace?: string; open?: boolean; limit?: number } = {}): Promise<KbConflict[]> {
    return this.store.conflicts(await this.scope(principal, 'reader'), filter);
  }

  async merges(principal: Principal, filter: { namespace?: string; limit?: number } = {}): Promise<KbMerge[]> {
    return this.store.merges(await this.scope(principal, 'reader'), filter);
  }

  async audit(principal: Principal, filter: { namespace?: string; limit?: number } = {}): Promise<KbAuditRecord[]> {
    return this.store.audit(await this.scope(principal, 'admin'), filter);
  }

  maintain(principal: Principal, options?: MaintenanceOptions): Promise<MaintenanceReport> {
    return maintain(this, principal, options);
  }

  exportJsonLines(principal: Principal, namespaces?: string[]): AsyncIterable<string> {
    return exportJsonLines(this, principal, namespaces);
  }

  exportJsonLinesText(principal: Principal, namespaces?: string[]): Promise<string> {
    return exportJsonLinesText(this, principal, namespaces);
  }

  exportNTriples(principal: Principal, namespaces?: string[]): Promise<string> {
    return exportNTriples(this, principal, namespaces);
  }

  async importJsonLines(principal: Principal, text: string): Promise<Record<string, number>> {
    await this.init();
    const counts = await importJsonLines(this, principal, text);
    await this.loadPredicates();
    return counts;
  }
}
