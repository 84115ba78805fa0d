import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { MagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Principal } from '../core/principal.js';
import type { Logger } from '../observability/logger.js';
import {
  type AccessPolicy,
  DEFAULT_ACCESS_POLICY,
  KB_ROLES,
  narrowScope,
  requireIn,
  type Scope,
  scopeFor,
} from './access.js';
import { assertFact, type FactAssertion } from './assert-fact.js';
import { decideFact } from './consistency.js';
import type { EmbeddingProvider } from './embeddings.js';
import { exportJsonLines, exportJsonLinesText, exportNTriples, importJsonLines } from './exchange.js';
import type { IngestRequest, IngestResult } from './ingest-batch.js';
import { DEFAULT_LIMITS, type IngestLimits } from './ingest-limits.js';
import { type MaintenanceOptions, type MaintenanceReport, maintain } from './maintenance.js';
import { isWithin, validateNamespace } from './namespaces.js';
import {
  BUILTIN_PREDICATES,
  type PredicateDefinition,
  parsePredicate,
  unknownPredicate,
} from './predicates.js';
import type { AnswerOptions } from './query/answer.js';
import {
  type EntityView,
  entityView,
  type FactQuery,
  findEntities,
  neighbourhood,
  queryFacts,
} from './query/graph.js';
import { type SearchOptions, search } from './query/retrieval.js';
import { resolveEntity } from './resolution.js';
import type { KnowledgeStore, WriteHooks } from './store-port.js';
import type { ChunkingOptions } from './text/chunker.js';
import type {
  Answer,
  DocumentInput,
  DocumentWriteResult,
  EntityType,
  FactWriteResult,
  KbAuditRecord,
  KbConflict,
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

/**
 * The shared knowledge base: documents, a knowledge graph of entities and facts, search and
 * question answering, with per-namespace access control enforced in every store query. Every
 * method takes the acting principal first.
 */
export type { IngestRequest, IngestResult };

export class KnowledgeBase {
  readonly store: KnowledgeStore;
  readonly clock: Clock;
  readonly events: EventHub | undefined;
  readonly logger: Logger | undefined;
  readonly embeddings: EmbeddingProvider | undefined;
  readonly limits: IngestLimits;
  private readonly access: AccessPolicy;
  readonly chunking: ChunkingOptions | undefined;
  private registry: Map<string, PredicateDefinition> | null = null;
  /** The predicate registry as last loaded (init() loads it). */
  get registryNow(): ReadonlyMap<string, PredicateDefinition> {
    return this.registry ?? new Map();
  }
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
  async init(): Promise<void> {
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
    if (principal.role !== 'admin')
      throw new MagnaError('FORBIDDEN', 'Only administrators change the predicate registry.');
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

  async grant(
    principal: Principal,
    grant: { principalId: string; namespace: string; role: KbRole },
  ): Promise<KbGrant> {
    if (!KB_ROLES.includes(grant.role))
      throw new MagnaError('INVALID_ARGUMENT', `Role must be one of ${KB_ROLES.join(', ')}.`);
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
    return all.filter((g) => scope.all || scope.prefixes.some((p) => isWithin(g.namespace, p)));
  }

  hooks(): WriteHooks {
    return { resolveEntity, decideFact, newId, now: this.clock.now() };
  }

  // ---- writes -----------------------------------------------------------------------------

  /**
   * Ingests a batch atomically: every document is validated and extracted first, then all are
   * written in one transaction, so a bad document or a stale version stores nothing of the batch.
   */
  async ingest(principal: Principal, request: IngestRequest): Promise<IngestResult> {
    // Extraction (compromise, wink) loads with the first ingest, not with the knowledge base.
    const { ingestBatch } = await import('./ingest-batch.js');
    return ingestBatch(this, principal, request);
  }

  /** Writes one document with optimistic concurrency: `expectedVersion` is the version read (0 = new). */
  async putDocument(
    principal: Principal,
    namespace: string,
    document: DocumentInput,
    options: { expectedVersion?: number; extract?: boolean; trust?: number } = {},
  ): Promise<DocumentWriteResult> {
    const result = await this.ingest(principal, {
      namespace,
      documents: [document],
      ...(options.extract === undefined ? {} : { extract: options.extract }),
      ...(options.trust === undefined ? {} : { trust: options.trust }),
      ...(options.expectedVersion === undefined
        ? {}
        : { expectedVersions: { [document.source]: options.expectedVersion } }),
    });
    return result.documents[0]!;
  }

  announceConflict(c: KbConflict): void {
    this.events?.emit('kb:conflict', {
      conflictId: c.id,
      namespace: c.namespace,
      predicate: c.predicate,
      subject: c.subjectId,
      policy: c.policy,
      writer: c.writer,
    });
  }

  /** Asserts one fact; the result names any conflict it raised (also sent as a `kb:conflict` event). */
  assertFact(principal: Principal, input: FactAssertion): Promise<FactWriteResult> {
    return assertFact(this, principal, input);
  }

  async retractFact(principal: Principal, factId: string) {
    return this.store.retractFact(
      await this.scope(principal, 'writer'),
      factId,
      principal.id,
      this.clock.now(),
    );
  }

  async resolveConflict(
    principal: Principal,
    conflictId: string,
    winnerFactId: string | null,
  ): Promise<KbConflict> {
    return this.store.resolveConflict(
      await this.scope(principal, 'curator'),
      conflictId,
      winnerFactId,
      principal.id,
      this.hooks(),
    );
  }

  async merge(principal: Principal, survivorId: string, mergedId: string): Promise<KbMerge> {
    const merge = await this.store.mergeEntities(
      await this.scope(principal, 'curator'),
      survivorId,
      mergedId,
      principal.id,
      this.hooks(),
    );
    this.events?.emit('kb:merge', { mergeId: merge.id, survivorId, mergedId });
    return merge;
  }

  async unmerge(principal: Principal, mergeId: string): Promise<KbMerge> {
    return this.store.unmerge(
      await this.scope(principal, 'curator'),
      mergeId,
      principal.id,
      this.clock.now(),
    );
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
      const batch = await this.store.embeddingsMissing(
        scope,
        this.embeddings.model,
        Math.min(64, limit - done),
      );
      if (batch.length === 0) break;
      const vectors = await this.embeddings.embed(batch.map((b) => b.text));
      await this.store.saveEmbeddings(
        this.embeddings.model,
        batch.map((b, i) => ({ chunkId: b.id, vector: vectors[i]! })),
      );
      done += batch.length;
    }
    return done;
  }

  // ---- reads (each filtered by the caller's scope inside the store) ------------------------

  search(principal: Principal, query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return search(this, principal, query, options);
  }

  async answer(principal: Principal, question: string, options?: AnswerOptions): Promise<Answer> {
    // Answering reads spans with compromise (~0.5 s to import): loaded with the first question.
    const { answer } = await import('./query/answer.js');
    return answer(this, principal, question, options);
  }

  findEntities(
    principal: Principal,
    query: { name?: string; type?: EntityType; namespace?: string; limit?: number },
  ): Promise<KbEntity[]> {
    return findEntities(this, principal, query);
  }

  entity(principal: Principal, idOrName: string, namespace?: string): Promise<EntityView | null> {
    return entityView(this, principal, idOrName, namespace);
  }

  facts(principal: Principal, query: FactQuery): Promise<KbFact[]> {
    return queryFacts(this, principal, query);
  }

  neighbourhood(
    principal: Principal,
    idOrName: string,
    options?: { hops?: number; limit?: number; namespace?: string },
  ): Promise<Neighbourhood | null> {
    return neighbourhood(this, principal, idOrName, options);
  }

  async conflicts(
    principal: Principal,
    filter: { namespace?: string; open?: boolean; limit?: number } = {},
  ): Promise<KbConflict[]> {
    return this.store.conflicts(await this.scope(principal, 'reader'), filter);
  }

  async merges(
    principal: Principal,
    filter: { namespace?: string; limit?: number } = {},
  ): Promise<KbMerge[]> {
    return this.store.merges(await this.scope(principal, 'reader'), filter);
  }

  async audit(
    principal: Principal,
    filter: { namespace?: string; limit?: number } = {},
  ): Promise<KbAuditRecord[]> {
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
