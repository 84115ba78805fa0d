import type { Scope } from './access.js';
import type { FactDecision, FactDraft } from './consistency.js';
import type { PreparedDocument } from './ingest.js';
import type { PredicateDefinition } from './predicates.js';
import type { EntityCandidate } from './resolution.js';
import type {
  EntityType,
  FactStatus,
  KbAuditRecord,
  KbChunk,
  KbConflict,
  KbDocument,
  KbEntity,
  KbFact,
  KbGrant,
  KbMerge,
  Neighbourhood,
} from './types.js';

/** Pure decisions the store calls inside its write transaction (the queue's `decide` pattern). */
export interface WriteHooks {
  resolveEntity(
    name: { norm: string; type: EntityType; aliasNorms: string[] },
    candidates: EntityCandidate[],
  ): string | null;
  decideFact(predicate: PredicateDefinition, incoming: FactDraft, current: KbFact[]): FactDecision;
  newId(prefix: string): string;
  now: number;
}

export interface DocumentWrite {
  namespace: string;
  prepared: PreparedDocument;
  /** The version the writer read; 0 means "must not exist yet". */
  expectedVersion?: number;
  actor: string;
  trust: number;
}

export interface DocumentWriteOutcome {
  document: KbDocument;
  created: boolean;
  unchanged: boolean;
  chunkIds: string[];
  entityIds: string[];
  facts: Array<{ fact: KbFact; created: boolean }>;
  conflicts: KbConflict[];
}

export interface FactWrite {
  namespace: string;
  subject: { id: string } | { name: string; type: EntityType };
  predicate: string;
  object: { id: string } | { name: string; type: EntityType } | null;
  value: string | number | boolean | null;
  valueType: string | null;
  confidence: number;
  trust: number;
  validFrom: number | null;
  validTo: number | null;
  source: string | null;
  documentId: string | null;
  chunkId: string | null;
  label: string[];
  actor: string;
}

export interface FactWriteOutcome {
  fact: KbFact;
  created: boolean;
  conflicts: KbConflict[];
}

export interface FactFilter {
  namespace?: string;
  subjectId?: string;
  objectId?: string;
  predicate?: string;
  /** Knowledge as recorded at this instant (default: now, current records only). */
  asOf?: number;
  /** Only facts true in the world at this instant. */
  validAt?: number;
  statuses?: FactStatus[];
  limit?: number;
}

export interface EntityFilter {
  namespace?: string;
  /** Matches the normalised name or an alias exactly, else a name prefix. */
  name?: string;
  type?: EntityType;
  includeMerged?: boolean;
  limit?: number;
}

export interface IntegrityReport {
  ok: boolean;
  checks: Array<{ name: string; problems: number; examples: string[] }>;
}

/** One line of a JSON Lines export; `kind` tells the record type. */
export type ExchangeRecord =
  | { kind: 'predicate'; data: PredicateDefinition & { builtin: boolean } }
  | { kind: 'document'; data: KbDocument }
  | { kind: 'chunk'; data: KbChunk }
  | { kind: 'entity'; data: KbEntity }
  | { kind: 'mention'; data: { chunkId: string; entityId: string; role: string; count: number } }
  | { kind: 'fact'; data: KbFact }
  | { kind: 'conflict'; data: KbConflict }
  | { kind: 'merge'; data: KbMerge };

/**
 * A keyword query as terms, never a search engine's syntax: each adapter builds its own (FTS5
 * MATCH, a tsquery) from the list, so no query language leaks through the port.
 */
export interface KeywordQuery {
  terms: readonly string[];
  /** 'names': match only the entity names recorded for each chunk (default: its text and names). */
  field?: 'names';
}

/**
 * The knowledge base's storage port. Every read takes the caller's scope and filters by it in
 * the query itself; every write runs in one transaction and records an audit row. The SQLite
 * adapter is src/store/sqlite/knowledge-store.ts; a PostgreSQL adapter implements the same.
 */
export interface KnowledgeStore {
  // registry and grants
  predicates(): Promise<PredicateDefinition[]>;
  savePredicate(definition: PredicateDefinition, builtin: boolean, actor: string, now: number): Promise<void>;
  grants(principalId?: string): Promise<KbGrant[]>;
  setGrant(grant: KbGrant): Promise<void>;
  removeGrant(principalId: string, namespace: string, actor: string, now: number): Promise<boolean>;

  // writes
  /** Writes a batch of documents in one transaction: all of them or, on any error, none. */
  writeDocuments(
    writes: readonly DocumentWrite[],
    predicates: ReadonlyMap<string, PredicateDefinition>,
    hooks: WriteHooks,
  ): Promise<DocumentWriteOutcome[]>;
  writeFact(write: FactWrite, predicate: PredicateDefinition, hooks: WriteHooks): Promise<FactWriteOutcome>;
  retractFact(scope: Scope, factId: string, actor: string, now: number): Promise<KbFact>;
  resolveConflict(
    scope: Scope,
    conflictId: string,
    winnerFactId: string | null,
    actor: string,
    hooks: WriteHooks,
  ): Promise<KbConflict>;
  mergeEntities(
    scope: Scope,
    survivorId: string,
    mergedId: string,
    actor: string,
    hooks: WriteHooks,
  ): Promise<KbMerge>;
  unmerge(scope: Scope, mergeId: string, actor: string, now: number): Promise<KbMerge>;

  // reads
  document(scope: Scope, id: string): Promise<KbDocument | null>;
  documentBySource(scope: Scope, namespace: string, source: string): Promise<KbDocument | null>;
  documents(
    scope: Scope,
    filter: { namespace?: string; ids?: readonly string[]; limit?: number },
  ): Promise<KbDocument[]>;
  documentHeads(
    scope: Scope,
    ids: readonly string[],
  ): Promise<Array<{ id: string; source: string; title: string | null }>>;
  chunks(scope: Scope, ids: readonly string[]): Promise<KbChunk[]>;
  /** BM25-ranked chunks matching any of the terms (already stemmed), best first. */
  keywordSearch(
    scope: Scope,
    query: KeywordQuery,
    limit: number,
  ): Promise<Array<{ id: string; score: number }>>;
  documentFrequency(
    scope: Scope,
    terms: readonly string[],
  ): Promise<{ total: number; df: Map<string, number> }>;
  entity(scope: Scope, id: string): Promise<KbEntity | null>;
  entities(scope: Scope, filter: EntityFilter): Promise<KbEntity[]>;
  /** Chunks that mention an entity, subjects first. */
  entityChunks(
    scope: Scope,
    entityIds: readonly string[],
    limit: number,
  ): Promise<Array<{ chunkId: string; entityId: string; role: string }>>;
  facts(scope: Scope, filter: FactFilter): Promise<KbFact[]>;
  neighbourhood(scope: Scope, entityId: string, hops: number, limit: number): Promise<Neighbourhood>;
  conflicts(
    scope: Scope,
    filter: { namespace?: string; open?: boolean; limit?: number },
  ): Promise<KbConflict[]>;
  merges(scope: Scope, filter: { namespace?: string; limit?: number }): Promise<KbMerge[]>;
  audit(scope: Scope, filter: { namespace?: string; limit?: number }): Promise<KbAuditRecord[]>;

  // maintenance
  /** Namespaces in scope that hold documents or entities. */
  namespaces(scope: Scope): Promise<string[]>;
  entityCandidates(
    scope: Scope,
    namespace: string,
    limit: number,
  ): Promise<Array<EntityCandidate & { namespace: string; name: string }>>;
  expireFacts(predicate: string, recordedBefore: number, actor: string, now: number): Promise<number>;
  integrity(): Promise<IntegrityReport>;
  compact(supersededBefore: number, actor: string, now: number): Promise<{ chunks: number; facts: number }>;

  // embeddings
  embeddingsMissing(scope: Scope, model: string, limit: number): Promise<Array<{ id: string; text: string }>>;
  saveEmbeddings(model: string, vectors: Array<{ chunkId: string; vector: Float32Array }>): Promise<void>;
  /**
   * The `k` chunks in scope whose stored vectors (of `model`) are nearest to `vector` by cosine
   * similarity, best first: the adapter searches, so a vector index can serve it where one exists.
   */
  nearest(
    scope: Scope,
    model: string,
    vector: Float32Array,
    k: number,
  ): Promise<Array<{ chunkId: string; score: number }>>;

  // exchange
  exportRecords(scope: Scope): AsyncIterable<ExchangeRecord>;
  importRecords(
    records: readonly ExchangeRecord[],
    actor: string,
    now: number,
  ): Promise<Record<string, number>>;
  recordAudit(entry: Omit<KbAuditRecord, 'seq'>): Promise<void>;
}
