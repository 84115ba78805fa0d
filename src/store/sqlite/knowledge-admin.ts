import type { Scope } from '../../knowledge/access.js';
import type { PredicateDefinition } from '../../knowledge/predicates.js';
import type { EntityCandidate } from '../../knowledge/resolution.js';
import type { IntegrityReport } from '../../knowledge/store-port.js';
import type { EntityType, KbGrant, KbRole } from '../../knowledge/types.js';
import { audit, inScopeSql, type StatementCache, scopeParam } from './knowledge-rows.js';

export function predicates(s: StatementCache): PredicateDefinition[] {
  return (
    s.get('SELECT definition FROM kb_predicates ORDER BY name').all() as Array<{ definition: string }>
  ).map((r) => JSON.parse(r.definition) as PredicateDefinition);
}

/** Built-ins are inserted once and never overwrite a definition an administrator changed. */
export function savePredicate(
  s: StatementCache,
  definition: PredicateDefinition,
  builtin: boolean,
  actor: string,
  now: number,
): void {
  if (builtin) {
    s.get(
      'INSERT OR IGNORE INTO kb_predicates (name, definition, builtin, updated_at) VALUES (?, ?, 1, ?)',
    ).run(definition.name, JSON.stringify(definition), now);
    return;
  }
  s.db
    .transaction(() => {
      s.get(`INSERT INTO kb_predicates (name, definition, builtin, updated_at) VALUES (?, ?, 0, ?)
      ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`).run(
        definition.name,
        JSON.stringify(definition),
        now,
      );
      audit(s, {
        at: now,
        actor,
        action: 'predicate.save',
        namespace: null,
        target: definition.name,
        detail: { ...definition },
      });
    })
    .immediate();
}

export function grants(s: StatementCache, principalId?: string): KbGrant[] {
  const rows = (
    principalId === undefined
      ? s.get('SELECT * FROM kb_grants ORDER BY principal_id, namespace').all()
      : s.get('SELECT * FROM kb_grants WHERE principal_id = ? ORDER BY namespace').all(principalId)
  ) as Array<{
    principal_id: string;
    namespace: string;
    role: KbRole;
    granted_by: string;
    granted_at: number;
  }>;
  return rows.map((r) => ({
    principalId: r.principal_id,
    namespace: r.namespace,
    role: r.role,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
  }));
}

export function setGrant(s: StatementCache, grant: KbGrant): void {
  s.db
    .transaction(() => {
      s.get(`INSERT INTO kb_grants (principal_id, namespace, role, granted_by, granted_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (principal_id, namespace) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at`).run(
        grant.principalId,
        grant.namespace,
        grant.role,
        grant.grantedBy,
        grant.grantedAt,
      );
      audit(s, {
        at: grant.grantedAt,
        actor: grant.grantedBy,
        action: 'grant.set',
        namespace: grant.namespace,
        target: grant.principalId,
        detail: { role: grant.role },
      });
    })
    .immediate();
}

export function removeGrant(
  s: StatementCache,
  principalId: string,
  namespace: string,
  actor: string,
  now: number,
): boolean {
  return s.db
    .transaction(() => {
      const removed =
        s.get('DELETE FROM kb_grants WHERE principal_id = ? AND namespace = ?').run(principalId, namespace)
          .changes > 0;
      if (removed) audit(s, { at: now, actor, action: 'grant.remove', namespace, target: principalId });
      return removed;
    })
    .immediate();
}

export function namespaces(s: StatementCache, scope: Scope): string[] {
  return (
    s
      .get(`SELECT namespace FROM kb_documents d WHERE ${inScopeSql('d.namespace', scope)}
        UNION SELECT namespace FROM kb_entities e WHERE ${inScopeSql('e.namespace', scope)} ORDER BY 1`)
      .all(scopeParam(scope)) as Array<{ namespace: string }>
  ).map((r) => r.namespace);
}

export function entityCandidates(
  s: StatementCache,
  scope: Scope,
  namespace: string,
  limit: number,
): Array<EntityCandidate & { namespace: string; name: string }> {
  const rows = s
    .get(`SELECT e.id, e.type, e.norm, e.name, e.namespace,
        (SELECT json_group_array(norm) FROM kb_aliases a WHERE a.entity_id = e.id) AS alias_norms
      FROM kb_entities e WHERE e.merged_into IS NULL AND e.namespace = @namespace AND ${inScopeSql('e.namespace', scope)}
      ORDER BY e.block, e.id LIMIT @limit`)
    .all({ namespace, limit, ...scopeParam(scope) }) as Array<{
    id: string;
    type: EntityType;
    norm: string;
    name: string;
    namespace: string;
    alias_norms: string;
  }>;
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    norm: r.norm,
    name: r.name,
    namespace: r.namespace,
    aliasNorms: JSON.parse(r.alias_norms) as string[],
  }));
}

/** Ends current facts of a predicate recorded before a cut-off (they are kept for time travel). */
export function expireFacts(
  s: StatementCache,
  predicate: string,
  recordedBefore: number,
  actor: string,
  now: number,
): number {
  return s.db
    .transaction(() => {
      const n = s
        .get(
          `UPDATE kb_facts SET superseded_at = ?, end_reason = 'expired' WHERE predicate = ? AND superseded_at IS NULL AND recorded_at < ?`,
        )
        .run(now, predicate, recordedBefore).changes;
      if (n > 0)
        audit(s, {
          at: now,
          actor,
          action: 'fact.expire',
          namespace: null,
          target: predicate,
          detail: { count: n, recordedBefore },
        });
      return n;
    })
    .immediate();
}

/** Orphans and dangling references; each check returns a count and a few example ids. */
export function integrity(s: StatementCache): IntegrityReport {
  const checks: Array<[string, string]> = [
    [
      'chunks without document',
      'SELECT c.id FROM kb_chunks c LEFT JOIN kb_documents d ON d.id = c.document_id WHERE d.id IS NULL',
    ],
    [
      'documents without current chunks',
      `SELECT d.id FROM kb_documents d WHERE NOT EXISTS (SELECT 1 FROM kb_chunks c WHERE c.document_id = d.id AND c.superseded_at IS NULL)`,
    ],
    [
      'mentions of missing chunks',
      'SELECT m.chunk_id FROM kb_mentions m LEFT JOIN kb_chunks c ON c.id = m.chunk_id WHERE c.id IS NULL',
    ],
    [
      'mentions of missing entities',
      'SELECT m.entity_id FROM kb_mentions m LEFT JOIN kb_entities e ON e.id = m.entity_id WHERE e.id IS NULL',
    ],
    [
      'facts with missing subject',
      'SELECT f.id FROM kb_facts f LEFT JOIN kb_entities e ON e.id = f.subject_id WHERE e.id IS NULL',
    ],
    [
      'facts with missing object',
      'SELECT f.id FROM kb_facts f LEFT JOIN kb_entities e ON e.id = f.object_id WHERE f.object_id IS NOT NULL AND e.id IS NULL',
    ],
    [
      'facts with missing chunk',
      'SELECT f.id FROM kb_facts f LEFT JOIN kb_chunks c ON c.id = f.chunk_id WHERE f.chunk_id IS NOT NULL AND c.id IS NULL',
    ],
    [
      'current facts on merged entities',
      `SELECT f.id FROM kb_facts f JOIN kb_entities e ON e.id = f.subject_id OR e.id = f.object_id
      WHERE f.superseded_at IS NULL AND e.merged_into IS NOT NULL`,
    ],
    [
      'merges into missing entities',
      'SELECT e.id FROM kb_entities e LEFT JOIN kb_entities t ON t.id = e.merged_into WHERE e.merged_into IS NOT NULL AND t.id IS NULL',
    ],
    [
      'aliases of missing entities',
      'SELECT a.entity_id FROM kb_aliases a LEFT JOIN kb_entities e ON e.id = a.entity_id WHERE e.id IS NULL',
    ],
    [
      'conflicts naming missing facts',
      `SELECT c.id FROM kb_conflicts c WHERE NOT EXISTS (SELECT 1 FROM kb_facts f WHERE f.id = c.incoming_fact_id)`,
    ],
    [
      'embeddings of missing chunks',
      'SELECT x.chunk_id FROM kb_embeddings x LEFT JOIN kb_chunks c ON c.id = x.chunk_id WHERE c.id IS NULL',
    ],
  ];
  const out = checks.map(([name, sql]) => {
    const rows = s.get(`SELECT count(*) OVER () AS n, * FROM (${sql}) LIMIT 5`).all() as Array<
      Record<string, unknown>
    >;
    const problems = Number(rows[0]?.n ?? 0);
    return { name, problems, examples: rows.map((r) => String(Object.values(r)[1])) };
  });
  const fts = s
    .get(`SELECT (SELECT count(*) FROM kb_chunks) AS chunks, (SELECT count(*) FROM kb_chunks_fts) AS indexed`)
    .get() as { chunks: number; indexed: number };
  let ftsOk = true;
  try {
    s.get(`INSERT INTO kb_chunks_fts(kb_chunks_fts, rank) VALUES ('integrity-check', 1)`).run();
  } catch {
    ftsOk = false;
  }
  out.push({
    name: 'full-text index out of step',
    problems: fts.chunks === fts.indexed && ftsOk ? 0 : 1,
    examples: [],
  });
  return { ok: out.every((c) => c.problems === 0), checks: out };
}

/**
 * Deletes chunks superseded before the cut-off (no current fact cites them) with their mentions
 * and embeddings, facts superseded before it, then merges the FTS5 segments ('optimize').
 */
export function compact(
  s: StatementCache,
  supersededBefore: number,
  actor: string,
  now: number,
): { chunks: number; facts: number } {
  return s.db
    .transaction(() => {
      const old = `SELECT c.id FROM kb_chunks c WHERE c.superseded_at IS NOT NULL AND c.superseded_at < @before
      AND NOT EXISTS (SELECT 1 FROM kb_facts f WHERE f.chunk_id = c.id)`;
      const facts = s
        .get(`DELETE FROM kb_facts WHERE superseded_at IS NOT NULL AND superseded_at < @before
        AND id NOT IN (SELECT incoming_fact_id FROM kb_conflicts) AND id NOT IN (SELECT value FROM kb_conflicts, json_each(kb_conflicts.existing_fact_ids))
        AND id NOT IN (SELECT replaces FROM kb_facts WHERE replaces IS NOT NULL)`)
        .run({ before: supersededBefore }).changes;
      s.get(`DELETE FROM kb_mentions WHERE chunk_id IN (${old})`).run({ before: supersededBefore });
      s.get(`DELETE FROM kb_embeddings WHERE chunk_id IN (${old})`).run({ before: supersededBefore });
      const chunks = s
        .get(`DELETE FROM kb_chunks WHERE id IN (${old})`)
        .run({ before: supersededBefore }).changes;
      s.get(`INSERT INTO kb_chunks_fts(kb_chunks_fts) VALUES ('optimize')`).run();
      audit(s, {
        at: now,
        actor,
        action: 'kb.compact',
        namespace: null,
        target: null,
        detail: { chunks, facts, supersededBefore },
      });
      return { chunks, facts };
    })
    .immediate();
}

export function embeddingsMissing(
  s: StatementCache,
  scope: Scope,
  model: string,
  limit: number,
): Array<{ id: string; text: string }> {
  const rows = s
    .get(`SELECT c.id, c.text FROM kb_chunks c LEFT JOIN kb_embeddings x ON x.chunk_id = c.id AND x.model = @model
      WHERE c.superseded_at IS NULL AND x.chunk_id IS NULL AND ${inScopeSql('c.namespace', scope)} ORDER BY c.seq LIMIT @limit`)
    .all({ model, limit, ...scopeParam(scope) }) as Array<{ id: string; text: string }>;
  return rows.map((r) => ({ id: r.id, text: s.open(r.text) }));
}

export function saveEmbeddings(
  s: StatementCache,
  model: string,
  vectors: Array<{ chunkId: string; vector: Float32Array }>,
): void {
  s.db
    .transaction(() => {
      const put = s.get(
        'INSERT OR REPLACE INTO kb_embeddings (chunk_id, model, dims, vector) VALUES (?, ?, ?, ?)',
      );
      for (const v of vectors)
        put.run(
          v.chunkId,
          model,
          v.vector.length,
          Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength),
        );
    })
    .immediate();
}

export function embeddings(
  s: StatementCache,
  scope: Scope,
  model: string,
  chunkIds?: readonly string[],
): Array<{ chunkId: string; vector: Float32Array }> {
  const filter = chunkIds ? 'AND c.id IN (SELECT value FROM json_each(@ids))' : '';
  const rows = s
    .get(`SELECT x.chunk_id, x.vector FROM kb_embeddings x JOIN kb_chunks c ON c.id = x.chunk_id
      WHERE x.model = @model AND c.superseded_at IS NULL AND ${inScopeSql('c.namespace', scope)} ${filter}`)
    .all({ model, ids: JSON.stringify(chunkIds ?? []), ...scopeParam(scope) }) as Array<{
    chunk_id: string;
    vector: Buffer;
  }>;
  return rows.map((r) => ({
    chunkId: r.chunk_id,
    vector: new Float32Array(
      r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength),
    ),
  }));
}
