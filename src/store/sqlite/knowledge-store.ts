import type { Scope } from '../../knowledge/access.js';
import { cosine } from '../../knowledge/embeddings.js';
import type { PredicateDefinition } from '../../knowledge/predicates.js';
import type {
  DocumentWrite,
  EntityFilter,
  ExchangeRecord,
  FactFilter,
  FactWrite,
  KeywordQuery,
  KnowledgeStore,
  WriteHooks,
} from '../../knowledge/store-port.js';
import type { KbAuditRecord, KbGrant } from '../../knowledge/types.js';
import type { SqliteDatabase } from './database.js';
import { ftsAny } from './fts.js';
import * as admin from './knowledge-admin.js';
import { mergeEntities, unmerge } from './knowledge-entities.js';
import { exportRecords, importRecords } from './knowledge-exchange.js';
import { resolveConflict, retractFact } from './knowledge-facts.js';
import * as reads from './knowledge-reads.js';
import { audit, StatementCache, type TextCipher } from './knowledge-rows.js';
import { writeDocument, writeFact } from './knowledge-writes.js';

/** Most stored vectors nearest() scans by brute force. */
const NEAREST_SCAN_MAX = 20_000;

/**
 * The knowledge base on embedded SQLite (the queue's database file). better-sqlite3 is
 * synchronous, so each method is one short transaction on the process's single connection; the
 * async signatures match the port so a networked adapter fits the same callers.
 */
export class SqliteKnowledgeStore implements KnowledgeStore {
  private readonly s: StatementCache;
  private readonly stats = new reads.ChunkStats();

  /**
   * With an encryptor that holds a key, document text and chunk text are stored encrypted
   * (AES-256-GCM) and the full-text index keeps only terms; reads decrypt. Plaintext rows
   * written before a key was set stay readable.
   */
  constructor(db: SqliteDatabase, encryptor?: TextCipher) {
    this.s = new StatementCache(db, encryptor);
  }

  async predicates() {
    return admin.predicates(this.s);
  }
  async savePredicate(definition: PredicateDefinition, builtin: boolean, actor: string, now: number) {
    admin.savePredicate(this.s, definition, builtin, actor, now);
  }
  async grants(principalId?: string) {
    return admin.grants(this.s, principalId);
  }
  async setGrant(grant: KbGrant) {
    admin.setGrant(this.s, grant);
  }
  async removeGrant(principalId: string, namespace: string, actor: string, now: number) {
    return admin.removeGrant(this.s, principalId, namespace, actor, now);
  }

  async writeDocuments(
    writes: readonly DocumentWrite[],
    predicates: ReadonlyMap<string, PredicateDefinition>,
    hooks: WriteHooks,
  ) {
    // One transaction per batch: FTS5 flushes its pending index data once per commit, so 500
    // documents per commit ingest about 3x faster than one commit each (measured, 600-char chunks).
    const outcomes = this.s.db
      .transaction(() => writes.map((w) => writeDocument(this.s, w, predicates, hooks)))
      .immediate();
    if (outcomes.some((o) => !o.unchanged)) this.stats.invalidate();
    return outcomes;
  }
  async writeFact(write: FactWrite, predicate: PredicateDefinition, hooks: WriteHooks) {
    return writeFact(this.s, write, predicate, hooks);
  }
  async retractFact(scope: Scope, factId: string, actor: string, now: number) {
    return retractFact(this.s, scope, factId, actor, now);
  }
  async resolveConflict(
    scope: Scope,
    conflictId: string,
    winnerFactId: string | null,
    actor: string,
    hooks: WriteHooks,
  ) {
    return resolveConflict(this.s, scope, conflictId, winnerFactId, actor, hooks);
  }
  async mergeEntities(scope: Scope, survivorId: string, mergedId: string, actor: string, hooks: WriteHooks) {
    return mergeEntities(this.s, scope, survivorId, mergedId, actor, hooks);
  }
  async unmerge(scope: Scope, mergeId: string, actor: string, now: number) {
    return unmerge(this.s, scope, mergeId, actor, now);
  }

  async document(scope: Scope, id: string) {
    return reads.document(this.s, scope, id);
  }
  async documentBySource(scope: Scope, namespace: string, source: string) {
    return reads.documentBySource(this.s, scope, namespace, source);
  }
  async documents(scope: Scope, filter: { namespace?: string; ids?: readonly string[]; limit?: number }) {
    return reads.documents(this.s, scope, filter);
  }
  async documentHeads(scope: Scope, ids: readonly string[]) {
    return reads.documentHeads(this.s, scope, ids);
  }
  async chunks(scope: Scope, ids: readonly string[]) {
    return reads.chunks(this.s, scope, ids);
  }
  async keywordSearch(scope: Scope, query: KeywordQuery, limit: number) {
    const match = ftsAny(query.terms, query.field);
    return match ? reads.keywordSearch(this.s, scope, match, limit) : [];
  }
  async documentFrequency(_scope: Scope, terms: readonly string[]) {
    return reads.documentFrequency(this.s, this.stats, terms);
  }
  async entity(scope: Scope, id: string) {
    return reads.entity(this.s, scope, id);
  }
  async entities(scope: Scope, filter: EntityFilter) {
    return reads.entities(this.s, scope, filter);
  }
  async entityChunks(scope: Scope, entityIds: readonly string[], limit: number) {
    return reads.entityChunks(this.s, scope, entityIds, limit);
  }
  async facts(scope: Scope, filter: FactFilter) {
    return reads.facts(this.s, scope, filter);
  }
  async neighbourhood(scope: Scope, entityId: string, hops: number, limit: number) {
    return reads.neighbourhood(this.s, scope, entityId, hops, limit);
  }
  async conflicts(scope: Scope, filter: { namespace?: string; open?: boolean; limit?: number }) {
    return reads.conflicts(this.s, scope, filter);
  }
  async merges(scope: Scope, filter: { namespace?: string; limit?: number }) {
    return reads.merges(this.s, scope, filter);
  }
  async audit(scope: Scope, filter: { namespace?: string; limit?: number }) {
    return reads.auditRecords(this.s, scope, filter);
  }

  async namespaces(scope: Scope) {
    return admin.namespaces(this.s, scope);
  }
  async entityCandidates(scope: Scope, namespace: string, limit: number) {
    return admin.entityCandidates(this.s, scope, namespace, limit);
  }
  async expireFacts(predicate: string, recordedBefore: number, actor: string, now: number) {
    return admin.expireFacts(this.s, predicate, recordedBefore, actor, now);
  }
  async integrity() {
    return admin.integrity(this.s);
  }
  async compact(supersededBefore: number, actor: string, now: number) {
    const result = admin.compact(this.s, supersededBefore, actor, now);
    this.stats.invalidate();
    return result;
  }

  async embeddingsMissing(scope: Scope, model: string, limit: number) {
    return admin.embeddingsMissing(this.s, scope, model, limit);
  }
  async saveEmbeddings(model: string, vectors: Array<{ chunkId: string; vector: Float32Array }>) {
    admin.saveEmbeddings(this.s, model, vectors);
  }
  /**
   * Brute-force cosine over the scope's vectors (about 10 ms for 20,000 chunks at 768 dimensions);
   * beyond that many it answers nothing rather than stall a search.
   */
  async nearest(scope: Scope, model: string, vector: Float32Array, k: number) {
    const stored = admin.embeddings(this.s, scope, model);
    if (stored.length > NEAREST_SCAN_MAX) return [];
    return stored
      .map((s) => ({ chunkId: s.chunkId, score: cosine(vector, s.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  async *exportRecords(scope: Scope): AsyncIterable<ExchangeRecord> {
    // Collected before yielding: a consumer that writes to the same connection between rows
    // would otherwise hit "connection is busy" from the open iterator.
    const records = [...exportRecords(this.s, scope)];
    yield* records;
  }
  async importRecords(records: readonly ExchangeRecord[], actor: string, now: number) {
    const counts = importRecords(this.s, records, actor, now);
    this.stats.invalidate();
    return counts;
  }
  async recordAudit(entry: Omit<KbAuditRecord, 'seq'>) {
    audit(this.s, entry);
  }
}
