import type { Statement } from 'better-sqlite3';
import type { Scope } from '../../knowledge/access.js';
import type {
  EntityType,
  FactEndReason,
  FactStatus,
  KbChunk,
  KbConflict,
  KbDocument,
  KbEntity,
  KbFact,
  KbMerge,
  ValueType,
} from '../../knowledge/types.js';
import type { Encryptor } from '../../security/encryption.js';
import type { SqliteDatabase } from './database.js';

/** The part of the Encryptor the knowledge store uses for document and chunk text. */
export type TextCipher = Pick<Encryptor, 'encryptText' | 'decryptText'>;

/**
 * Prepared statements keyed by SQL text (scope filters make a few shapes per query, not one),
 * and the cipher for document and chunk text: `seal` before a text column is written, `open`
 * after it is read. Without a cipher (or with one that has no key) both pass text through.
 */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(
    readonly db: SqliteDatabase,
    private readonly cipher?: TextCipher,
  ) {}
  seal(plain: string): string {
    return this.cipher ? this.cipher.encryptText(plain) : plain;
  }
  open(stored: string): string {
    return this.cipher ? this.cipher.decryptText(stored) : stored;
  }
  get(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

/**
 * The SQL test "column lies in the scope": equal to a prefix or below it. The prefixes travel as
 * one JSON parameter (@scope), so the statement text depends only on whether a scope is open.
 */
export function inScopeSql(column: string, scope: Scope): string {
  if (scope.all) return '1';
  return `(${column} IN (SELECT value FROM json_each(@scope)) OR EXISTS (SELECT 1 FROM json_each(@scope) s_
    WHERE substr(${column}, 1, length(s_.value) + 1) = s_.value || '/'))`;
}

/** Every namespace in a record's label must be readable: the strictest label wins. */
export function labelInScopeSql(labelColumn: string, scope: Scope): string {
  if (scope.all) return '1';
  return `NOT EXISTS (SELECT 1 FROM json_each(${labelColumn}) l_ WHERE NOT ${inScopeSql('l_.value', scope)})`;
}

export function scopeParam(scope: Scope): { scope: string } {
  return { scope: JSON.stringify(scope.all ? [] : scope.prefixes) };
}

export interface DocumentRow {
  id: string;
  namespace: string;
  source: string;
  title: string | null;
  content_hash: string;
  version: number;
  metadata: string;
  text: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** `s` decrypts the stored text. */
export function toDocument(s: StatementCache, r: DocumentRow): KbDocument {
  return {
    id: r.id,
    namespace: r.namespace,
    source: r.source,
    title: r.title,
    contentHash: r.content_hash,
    version: r.version,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    text: s.open(r.text),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface ChunkRow {
  seq: number;
  id: string;
  document_id: string;
  namespace: string;
  version: number;
  ordinal: number;
  text: string;
  start_offset: number;
  end_offset: number;
  names: string;
  category: string;
  recorded_at: number;
  superseded_at: number | null;
}

/** Names are stored one per line so the FTS column indexes them as plain text; `s` decrypts the text. */
export function toChunk(s: StatementCache, r: ChunkRow): KbChunk {
  return {
    id: r.id,
    documentId: r.document_id,
    namespace: r.namespace,
    version: r.version,
    ordinal: r.ordinal,
    text: s.open(r.text),
    start: r.start_offset,
    end: r.end_offset,
    names: r.names ? r.names.split('\n') : [],
    category: JSON.parse(r.category) as string[],
    recordedAt: r.recorded_at,
    supersededAt: r.superseded_at,
  };
}

export interface EntityRow {
  id: string;
  namespace: string;
  type: string;
  name: string;
  norm: string;
  block: string;
  merged_into: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  aliases?: string | null;
}

export function toEntity(r: EntityRow): KbEntity {
  return {
    id: r.id,
    namespace: r.namespace,
    type: r.type as EntityType,
    name: r.name,
    aliases: r.aliases ? (JSON.parse(r.aliases) as string[]).sort() : [],
    mergedInto: r.merged_into,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Aliases of an entity as a JSON array, for SELECTs over kb_entities e. */
export const ENTITY_COLUMNS = `e.*, (SELECT json_group_array(alias) FROM kb_aliases a WHERE a.entity_id = e.id) AS aliases`;

export interface FactRow {
  seq: number;
  id: string;
  namespace: string;
  subject_id: string;
  predicate: string;
  object_id: string | null;
  value: string | null;
  value_type: string | null;
  confidence: number;
  trust: number;
  status: string;
  valid_from: number | null;
  valid_to: number | null;
  recorded_at: number;
  superseded_at: number | null;
  end_reason: string | null;
  source: string | null;
  document_id: string | null;
  chunk_id: string | null;
  asserted_by: string;
  label: string;
  content_hash: string;
  replaces: string | null;
}

export function toFact(r: FactRow): KbFact {
  return {
    id: r.id,
    namespace: r.namespace,
    subjectId: r.subject_id,
    predicate: r.predicate,
    objectId: r.object_id,
    value: r.value === null ? null : (JSON.parse(r.value) as string | number | boolean),
    valueType: r.value_type as ValueType | null,
    confidence: r.confidence,
    trust: r.trust,
    status: r.status as FactStatus,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    recordedAt: r.recorded_at,
    supersededAt: r.superseded_at,
    endReason: r.end_reason as FactEndReason | null,
    source: r.source,
    documentId: r.document_id,
    chunkId: r.chunk_id,
    assertedBy: r.asserted_by,
    label: JSON.parse(r.label) as string[],
    contentHash: r.content_hash,
    replaces: r.replaces,
  };
}

export function factParams(f: KbFact): Record<string, unknown> {
  return {
    id: f.id,
    namespace: f.namespace,
    subject_id: f.subjectId,
    predicate: f.predicate,
    object_id: f.objectId,
    value: f.value === null ? null : JSON.stringify(f.value),
    value_type: f.valueType,
    confidence: f.confidence,
    trust: f.trust,
    status: f.status,
    valid_from: f.validFrom,
    valid_to: f.validTo,
    recorded_at: f.recordedAt,
    superseded_at: f.supersededAt,
    end_reason: f.endReason,
    source: f.source,
    document_id: f.documentId,
    chunk_id: f.chunkId,
    asserted_by: f.assertedBy,
    label: JSON.stringify(f.label),
    content_hash: f.contentHash,
    replaces: f.replaces,
  };
}

export const INSERT_FACT = `INSERT INTO kb_facts (id, namespace, subject_id, predicate, object_id, value, value_type,
  confidence, trust, status, valid_from, valid_to, recorded_at, superseded_at, end_reason, source, document_id,
  chunk_id, asserted_by, label, content_hash, replaces)
  VALUES (@id, @namespace, @subject_id, @predicate, @object_id, @value, @value_type, @confidence, @trust, @status,
  @valid_from, @valid_to, @recorded_at, @superseded_at, @end_reason, @source, @document_id, @chunk_id, @asserted_by,
  @label, @content_hash, @replaces)`;

export interface ConflictRow {
  id: string;
  namespace: string;
  subject_id: string;
  predicate: string;
  policy: string;
  resolution: string;
  incoming_fact_id: string;
  existing_fact_ids: string;
  writer: string;
  label: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

export function toConflict(r: ConflictRow): KbConflict {
  return {
    id: r.id,
    namespace: r.namespace,
    subjectId: r.subject_id,
    predicate: r.predicate,
    policy: r.policy,
    resolution: r.resolution as KbConflict['resolution'],
    incomingFactId: r.incoming_fact_id,
    existingFactIds: JSON.parse(r.existing_fact_ids) as string[],
    writer: r.writer,
    label: JSON.parse(r.label) as string[],
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
  };
}

export interface MergeRow {
  id: string;
  namespace: string;
  survivor_id: string;
  merged_id: string;
  moved: string;
  actor: string;
  created_at: number;
  undone_at: number | null;
  undone_by: string | null;
}

export function toMerge(r: MergeRow): KbMerge {
  return {
    id: r.id,
    namespace: r.namespace,
    survivorId: r.survivor_id,
    mergedId: r.merged_id,
    actor: r.actor,
    createdAt: r.created_at,
    undoneAt: r.undone_at,
    moved: JSON.parse(r.moved) as KbMerge['moved'],
  };
}

export function audit(
  s: StatementCache,
  entry: {
    at: number;
    actor: string;
    action: string;
    namespace: string | null;
    target: string | null;
    detail?: Record<string, unknown>;
  },
): void {
  s.get('INSERT INTO kb_audit (at, actor, action, namespace, target, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    entry.at,
    entry.actor,
    entry.action,
    entry.namespace,
    entry.target,
    JSON.stringify(entry.detail ?? {}),
  );
}

/**
 * Inserts one chunk and indexes it. The full-text index is contentless (it keeps terms and
 * positions, never the text) and is fed here from the plaintext, because the chunk row may hold
 * ciphertext; the delete trigger on kb_chunks removes the index entry with the row.
 */
export function insertChunkRow(
  s: StatementCache,
  c: Omit<KbChunk, 'names' | 'category'> & { names: readonly string[]; category: readonly string[] },
): void {
  const names = c.names.join('\n');
  const { lastInsertRowid } = s
    .get(`INSERT INTO kb_chunks (id, document_id, namespace, version, ordinal, text, start_offset, end_offset,
      names, category, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      c.id,
      c.documentId,
      c.namespace,
      c.version,
      c.ordinal,
      s.seal(c.text),
      c.start,
      c.end,
      names,
      JSON.stringify(c.category),
      c.recordedAt,
      c.supersededAt,
    );
  s.get('INSERT INTO kb_chunks_fts (rowid, names, text) VALUES (?, ?, ?)').run(
    lastInsertRowid,
    names,
    c.text,
  );
}
