import { stemmer } from 'stemmer';
import type { Scope } from '../../knowledge/access.js';
import { normaliseName } from '../../knowledge/resolution.js';
import type { EntityFilter, FactFilter } from '../../knowledge/store-port.js';
import type {
  KbAuditRecord,
  KbChunk,
  KbConflict,
  KbDocument,
  KbEntity,
  KbFact,
  KbMerge,
  Neighbourhood,
} from '../../knowledge/types.js';
import {
  type ChunkRow,
  type ConflictRow,
  type DocumentRow,
  ENTITY_COLUMNS,
  type EntityRow,
  type FactRow,
  inScopeSql,
  labelInScopeSql,
  type MergeRow,
  type StatementCache,
  scopeParam,
  toChunk,
  toConflict,
  toDocument,
  toEntity,
  toFact,
  toMerge,
} from './knowledge-rows.js';

export function document(s: StatementCache, scope: Scope, id: string): KbDocument | null {
  const row = s
    .get(`SELECT * FROM kb_documents d WHERE d.id = @id AND ${inScopeSql('d.namespace', scope)}`)
    .get({ id, ...scopeParam(scope) }) as DocumentRow | undefined;
  return row ? toDocument(s, row) : null;
}

export function documentBySource(
  s: StatementCache,
  scope: Scope,
  namespace: string,
  source: string,
): KbDocument | null {
  const row = s
    .get(
      `SELECT * FROM kb_documents d WHERE d.namespace = @namespace AND d.source = @source AND ${inScopeSql('d.namespace', scope)}`,
    )
    .get({ namespace, source, ...scopeParam(scope) }) as DocumentRow | undefined;
  return row ? toDocument(s, row) : null;
}

export function documents(
  s: StatementCache,
  scope: Scope,
  filter: { namespace?: string; limit?: number },
): KbDocument[] {
  const where = [inScopeSql('d.namespace', scope)];
  if (filter.namespace) where.push(`(d.namespace = @namespace OR d.namespace LIKE @namespace || '/%')`);
  const rows = s
    .get(`SELECT * FROM kb_documents d WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT @limit`)
    .all({
      namespace: filter.namespace ?? null,
      limit: filter.limit ?? 1000,
      ...scopeParam(scope),
    }) as DocumentRow[];
  return rows.map((r) => toDocument(s, r));
}

/** Source and title of documents, without their text (a hit list must not load whole books). */
export function documentHeads(
  s: StatementCache,
  scope: Scope,
  ids: readonly string[],
): Array<{ id: string; source: string; title: string | null }> {
  if (ids.length === 0) return [];
  return s
    .get(
      `SELECT d.id, d.source, d.title FROM kb_documents d WHERE d.id IN (SELECT value FROM json_each(@ids)) AND ${inScopeSql('d.namespace', scope)}`,
    )
    .all({ ids: JSON.stringify(ids), ...scopeParam(scope) }) as Array<{
    id: string;
    source: string;
    title: string | null;
  }>;
}

export function chunks(s: StatementCache, scope: Scope, ids: readonly string[]): KbChunk[] {
  if (ids.length === 0) return [];
  const rows = s
    .get(
      `SELECT c.* FROM kb_chunks c WHERE c.id IN (SELECT value FROM json_each(@ids)) AND ${inScopeSql('c.namespace', scope)}`,
    )
    .all({ ids: JSON.stringify(ids), ...scopeParam(scope) }) as ChunkRow[];
  return rows.map((r) => toChunk(s, r));
}

/**
 * BM25 over current chunks in scope; rank is bm25(kb_chunks_fts, 2.0, 1.0) (names weigh double).
 * The FTS5 query runs alone first, capped at the best CANDIDATE_CAP rows, and only those are
 * joined to their chunks and filtered by scope: the join then costs the same at 10k and 1M
 * chunks. When the filter leaves too few (a reader of a small namespace in a large base), the
 * uncapped query runs instead, so the cap never hides a readable result.
 */
const CANDIDATE_CAP = 200;

export function keywordSearch(
  s: StatementCache,
  scope: Scope,
  match: string,
  limit: number,
): Array<{ id: string; score: number }> {
  const cap = Math.max(CANDIDATE_CAP, limit * 5);
  const filter = `c.superseded_at IS NULL AND ${inScopeSql('c.namespace', scope)}`;
  const capped = s
    .get(`SELECT c.id AS id, -f.rank AS score, f.n AS n FROM (
        SELECT rowid, rank, count(*) OVER () AS n FROM kb_chunks_fts
        WHERE kb_chunks_fts MATCH @match AND rank MATCH 'bm25(2.0, 1.0)' ORDER BY rank LIMIT @cap
      ) f JOIN kb_chunks c ON c.seq = f.rowid WHERE ${filter} ORDER BY f.rank LIMIT @limit`)
    .all({ match, cap, limit, ...scopeParam(scope) }) as Array<{ id: string; score: number; n: number }>;
  const candidates = capped[0]?.n ?? 0;
  if (capped.length >= limit || candidates < cap) return capped.map(({ id, score }) => ({ id, score }));
  return s
    .get(`SELECT c.id AS id, -f.rank AS score FROM kb_chunks_fts f JOIN kb_chunks c ON c.seq = f.rowid
      WHERE kb_chunks_fts MATCH @match AND f.rank MATCH 'bm25(2.0, 1.0)' AND ${filter}
      ORDER BY f.rank LIMIT @limit`)
    .all({ match, limit, ...scopeParam(scope) }) as Array<{ id: string; score: number }>;
}

/**
 * Corpus statistics for idf weights: the current chunk count and per-term document counts,
 * cached for 5 s. idf tolerates that staleness; a count(*) or 60 vocabulary seeks per query do
 * not scale (the hybrid ranker asks for every word of every bridge name).
 */
export class ChunkStats {
  private total: { value: number; at: number } | null = null;
  private readonly df = new Map<string, { doc: number; at: number }>();
  invalidate(): void {
    this.total = null;
    this.df.clear();
  }
  count(s: StatementCache, now: number): number {
    if (!this.total || now - this.total.at > 5000) {
      this.total = {
        value: (
          s.get('SELECT count(*) AS n FROM kb_chunks WHERE superseded_at IS NULL').get() as { n: number }
        ).n,
        at: now,
      };
    }
    return this.total.value;
  }
  docs(s: StatementCache, stem: string, now: number): number {
    const hit = this.df.get(stem);
    if (hit && now - hit.at <= 5000) return hit.doc;
    // fts5vocab seeks on term = ?; with IN it scans the whole vocabulary.
    const doc =
      (s.get('SELECT doc FROM kb_chunks_vocab WHERE term = ?').get(stem) as { doc: number } | undefined)
        ?.doc ?? 0;
    if (this.df.size >= 50_000) this.df.delete(this.df.keys().next().value as string);
    this.df.set(stem, { doc, at: now });
    return doc;
  }
}

/** Document frequency per term from the FTS5 vocabulary (Porter stems, as the index stores them). */
export function documentFrequency(
  s: StatementCache,
  stats: ChunkStats,
  terms: readonly string[],
): { total: number; df: Map<string, number> } {
  const now = Date.now();
  const df = new Map<string, number>();
  for (const t of terms) if (!df.has(t)) df.set(t, stats.docs(s, stemmer(t), now));
  return { total: Math.max(1, stats.count(s, now)), df };
}

export function entity(s: StatementCache, scope: Scope, id: string): KbEntity | null {
  const row = s
    .get(
      `SELECT ${ENTITY_COLUMNS} FROM kb_entities e WHERE e.id = @id AND ${inScopeSql('e.namespace', scope)}`,
    )
    .get({ id, ...scopeParam(scope) }) as EntityRow | undefined;
  return row ? toEntity(row) : null;
}

export function entities(s: StatementCache, scope: Scope, filter: EntityFilter): KbEntity[] {
  const where = [inScopeSql('e.namespace', scope)];
  const params: Record<string, unknown> = { limit: filter.limit ?? 50, ...scopeParam(scope) };
  if (filter.namespace) {
    where.push(`(e.namespace = @namespace OR e.namespace LIKE @namespace || '/%')`);
    params.namespace = filter.namespace;
  }
  if (!filter.includeMerged) where.push('e.merged_into IS NULL');
  if (filter.type) {
    where.push('e.type = @type');
    params.type = filter.type;
  }
  let order = 'e.id';
  if (filter.name !== undefined) {
    const norm = normaliseName(filter.name);
    params.norm = norm;
    params.prefix = `${norm}%`;
    where.push(
      `(e.norm = @norm OR e.id IN (SELECT entity_id FROM kb_aliases WHERE norm = @norm) OR e.norm LIKE @prefix)`,
    );
    order = `CASE WHEN e.norm = @norm THEN 0 WHEN e.id IN (SELECT entity_id FROM kb_aliases WHERE norm = @norm) THEN 1 ELSE 2 END, length(e.norm), e.id`;
  }
  const rows = s
    .get(
      `SELECT ${ENTITY_COLUMNS} FROM kb_entities e WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT @limit`,
    )
    .all(params) as EntityRow[];
  return rows.map(toEntity);
}

export function entityChunks(
  s: StatementCache,
  scope: Scope,
  entityIds: readonly string[],
  limit: number,
): Array<{ chunkId: string; entityId: string; role: string }> {
  if (entityIds.length === 0) return [];
  return s
    .get(`SELECT m.chunk_id AS chunkId, m.entity_id AS entityId, m.role AS role FROM kb_mentions m JOIN kb_chunks c ON c.id = m.chunk_id
      WHERE m.entity_id IN (SELECT value FROM json_each(@ids)) AND c.superseded_at IS NULL AND ${inScopeSql('c.namespace', scope)}
      ORDER BY CASE m.role WHEN 'subject' THEN 0 ELSE 1 END, m.count DESC, c.seq LIMIT @limit`)
    .all({ ids: JSON.stringify(entityIds), limit, ...scopeParam(scope) }) as Array<{
    chunkId: string;
    entityId: string;
    role: string;
  }>;
}

export function facts(s: StatementCache, scope: Scope, filter: FactFilter): KbFact[] {
  const where = [inScopeSql('f.namespace', scope), labelInScopeSql('f.label', scope)];
  const params: Record<string, unknown> = { limit: filter.limit ?? 200, ...scopeParam(scope) };
  const eq = (column: string, key: string, value: unknown) => {
    if (value === undefined) return;
    where.push(`${column} = @${key}`);
    params[key] = value;
  };
  eq('f.subject_id', 'subject', filter.subjectId);
  eq('f.object_id', 'object', filter.objectId);
  eq('f.predicate', 'predicate', filter.predicate);
  if (filter.namespace) {
    where.push(`(f.namespace = @namespace OR f.namespace LIKE @namespace || '/%')`);
    params.namespace = filter.namespace;
  }
  if (filter.asOf !== undefined) {
    where.push('f.recorded_at <= @asOf AND (f.superseded_at IS NULL OR f.superseded_at > @asOf)');
    params.asOf = filter.asOf;
  } else {
    where.push('f.superseded_at IS NULL');
  }
  if (filter.validAt !== undefined) {
    where.push(
      '(f.valid_from IS NULL OR f.valid_from <= @validAt) AND (f.valid_to IS NULL OR f.valid_to > @validAt)',
    );
    params.validAt = filter.validAt;
  }
  if (filter.statuses && filter.statuses.length > 0) {
    where.push('f.status IN (SELECT value FROM json_each(@statuses))');
    params.statuses = JSON.stringify(filter.statuses);
  }
  const rows = s
    .get(`SELECT f.* FROM kb_facts f WHERE ${where.join(' AND ')} ORDER BY f.seq LIMIT @limit`)
    .all(params) as FactRow[];
  return rows.map(toFact);
}

/**
 * The n-hop neighbourhood of an entity over current fact edges (either direction) and
 * "mentions" edges (the subject of a chunk mentions another entity), by recursive SQL. Only
 * edges and entities in scope are walked, so a walk never passes through what the caller may
 * not read.
 */
export function neighbourhood(
  s: StatementCache,
  scope: Scope,
  rootId: string,
  hops: number,
  limit: number,
): Neighbourhood {
  const factOk = `f.superseded_at IS NULL AND f.status != 'rejected' AND f.object_id IS NOT NULL
    AND ${inScopeSql('f.namespace', scope)} AND ${labelInScopeSql('f.label', scope)}`;
  const chunkOk = `c.superseded_at IS NULL AND ${inScopeSql('c.namespace', scope)}`;
  const params = { root: rootId, hops, limit, ...scopeParam(scope) };
  const nodes = s
    .get(`WITH RECURSIVE walk(entity_id, depth) AS (
        SELECT @root, 0
        UNION
        SELECT f.object_id, w.depth + 1 FROM walk w JOIN kb_facts f ON f.subject_id = w.entity_id
          WHERE w.depth < @hops AND ${factOk}
        UNION
        SELECT f.subject_id, w.depth + 1 FROM walk w JOIN kb_facts f ON f.object_id = w.entity_id
          WHERE w.depth < @hops AND ${factOk}
        UNION
        SELECT m2.entity_id, w.depth + 1 FROM walk w
          JOIN kb_mentions m1 ON m1.entity_id = w.entity_id AND m1.role = 'subject'
          JOIN kb_chunks c ON c.id = m1.chunk_id
          JOIN kb_mentions m2 ON m2.chunk_id = m1.chunk_id AND m2.entity_id != w.entity_id
          WHERE w.depth < @hops AND ${chunkOk}
        UNION
        SELECT m1.entity_id, w.depth + 1 FROM walk w
          JOIN kb_mentions m2 ON m2.entity_id = w.entity_id
          JOIN kb_chunks c ON c.id = m2.chunk_id
          JOIN kb_mentions m1 ON m1.chunk_id = m2.chunk_id AND m1.role = 'subject' AND m1.entity_id != w.entity_id
          WHERE w.depth < @hops AND ${chunkOk}
      )
      SELECT e.id, e.name, e.type, e.namespace, min(w.depth) AS depth FROM walk w JOIN kb_entities e ON e.id = w.entity_id
      WHERE ${inScopeSql('e.namespace', scope)} AND e.merged_into IS NULL
      GROUP BY e.id ORDER BY depth, e.id LIMIT @limit`)
    .all(params) as Neighbourhood['nodes'];
  const ids = JSON.stringify(nodes.map((n) => n.id));
  const factEdges = s
    .get(`SELECT f.id AS factId, f.subject_id AS "from", f.object_id AS "to", f.predicate AS predicate FROM kb_facts f
      WHERE f.subject_id IN (SELECT value FROM json_each(@ids)) AND f.object_id IN (SELECT value FROM json_each(@ids)) AND ${factOk}
      ORDER BY f.seq`)
    .all({ ids, ...scopeParam(scope) }) as Neighbourhood['edges'];
  const mentionEdges = s
    .get(`SELECT DISTINCT 'chunk:' || c.id AS factId, m1.entity_id AS "from", m2.entity_id AS "to", 'mentions' AS predicate
      FROM kb_mentions m1 JOIN kb_chunks c ON c.id = m1.chunk_id JOIN kb_mentions m2 ON m2.chunk_id = m1.chunk_id
      WHERE m1.role = 'subject' AND m1.entity_id != m2.entity_id AND ${chunkOk}
        AND m1.entity_id IN (SELECT value FROM json_each(@ids)) AND m2.entity_id IN (SELECT value FROM json_each(@ids))
      ORDER BY c.seq, m2.entity_id`)
    .all({ ids, ...scopeParam(scope) }) as Neighbourhood['edges'];
  return { root: rootId, nodes, edges: [...factEdges, ...dedupeEdges(mentionEdges)] };
}

function dedupeEdges(edges: Neighbourhood['edges']): Neighbourhood['edges'] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.from}|${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function conflicts(
  s: StatementCache,
  scope: Scope,
  filter: { namespace?: string; open?: boolean; limit?: number },
): KbConflict[] {
  const where = [inScopeSql('c.namespace', scope), labelInScopeSql('c.label', scope)];
  if (filter.namespace) where.push(`(c.namespace = @namespace OR c.namespace LIKE @namespace || '/%')`);
  if (filter.open) where.push('c.resolved_at IS NULL');
  const rows = s
    .get(`SELECT * FROM kb_conflicts c WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT @limit`)
    .all({
      namespace: filter.namespace ?? null,
      limit: filter.limit ?? 100,
      ...scopeParam(scope),
    }) as ConflictRow[];
  return rows.map(toConflict);
}

export function merges(
  s: StatementCache,
  scope: Scope,
  filter: { namespace?: string; limit?: number },
): KbMerge[] {
  const where = [inScopeSql('m.namespace', scope)];
  if (filter.namespace) where.push(`(m.namespace = @namespace OR m.namespace LIKE @namespace || '/%')`);
  const rows = s
    .get(`SELECT * FROM kb_merges m WHERE ${where.join(' AND ')} ORDER BY m.created_at, m.id LIMIT @limit`)
    .all({
      namespace: filter.namespace ?? null,
      limit: filter.limit ?? 100,
      ...scopeParam(scope),
    }) as MergeRow[];
  return rows.map(toMerge);
}

export function auditRecords(
  s: StatementCache,
  scope: Scope,
  filter: { namespace?: string; limit?: number },
): KbAuditRecord[] {
  const where = [scope.all ? '1' : `a.namespace IS NOT NULL AND ${inScopeSql('a.namespace', scope)}`];
  if (filter.namespace) where.push(`(a.namespace = @namespace OR a.namespace LIKE @namespace || '/%')`);
  const rows = s
    .get(`SELECT * FROM kb_audit a WHERE ${where.join(' AND ')} ORDER BY a.seq DESC LIMIT @limit`)
    .all({ namespace: filter.namespace ?? null, limit: filter.limit ?? 100, ...scopeParam(scope) }) as Array<
    Omit<KbAuditRecord, 'detail'> & { detail: string }
  >;
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
