import type { Scope } from '../../knowledge/access.js';
import { blockKey, normaliseName } from '../../knowledge/resolution.js';
import type { ExchangeRecord } from '../../knowledge/store-port.js';
import type { KbChunk, KbConflict, KbEntity, KbMerge } from '../../knowledge/types.js';
import { predicates } from './knowledge-admin.js';
import {
  audit,
  type ChunkRow,
  type ConflictRow,
  type DocumentRow,
  ENTITY_COLUMNS,
  type EntityRow,
  type FactRow,
  factParams,
  INSERT_FACT,
  inScopeSql,
  insertChunkRow,
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

/**
 * Every record the scope may read, in a fixed order (kind, then creation order), so that
 * export → import into an empty base → export gives the same bytes.
 */
export function* exportRecords(s: StatementCache, scope: Scope): Generator<ExchangeRecord> {
  const p = scopeParam(scope);
  const builtin = new Set(
    (s.get('SELECT name FROM kb_predicates WHERE builtin = 1').all() as Array<{ name: string }>).map(
      (r) => r.name,
    ),
  );
  for (const def of predicates(s))
    yield { kind: 'predicate', data: { ...def, builtin: builtin.has(def.name) } };
  for (const r of s
    .get(`SELECT * FROM kb_documents d WHERE ${inScopeSql('d.namespace', scope)} ORDER BY d.id`)
    .iterate(p)) {
    yield { kind: 'document', data: toDocument(s, r as DocumentRow) };
  }
  for (const r of s
    .get(`SELECT * FROM kb_chunks c WHERE ${inScopeSql('c.namespace', scope)} ORDER BY c.seq`)
    .iterate(p)) {
    yield { kind: 'chunk', data: toChunk(s, r as ChunkRow) };
  }
  for (const r of s
    .get(
      `SELECT ${ENTITY_COLUMNS} FROM kb_entities e WHERE ${inScopeSql('e.namespace', scope)} ORDER BY e.id`,
    )
    .iterate(p)) {
    yield { kind: 'entity', data: toEntity(r as EntityRow) };
  }
  for (const r of s
    .get(`SELECT m.chunk_id, m.entity_id, m.role, m.count FROM kb_mentions m JOIN kb_chunks c ON c.id = m.chunk_id
      JOIN kb_entities e ON e.id = m.entity_id
      WHERE ${inScopeSql('c.namespace', scope)} AND ${inScopeSql('e.namespace', scope)} ORDER BY m.chunk_id, m.entity_id`)
    .iterate(p)) {
    const m = r as { chunk_id: string; entity_id: string; role: string; count: number };
    yield {
      kind: 'mention',
      data: { chunkId: m.chunk_id, entityId: m.entity_id, role: m.role, count: m.count },
    };
  }
  for (const r of s
    .get(
      `SELECT * FROM kb_facts f WHERE ${inScopeSql('f.namespace', scope)} AND ${labelInScopeSql('f.label', scope)} ORDER BY f.seq`,
    )
    .iterate(p)) {
    yield { kind: 'fact', data: toFact(r as FactRow) };
  }
  for (const r of s
    .get(
      `SELECT * FROM kb_conflicts c WHERE ${inScopeSql('c.namespace', scope)} AND ${labelInScopeSql('c.label', scope)} ORDER BY c.created_at, c.id`,
    )
    .iterate(p)) {
    yield { kind: 'conflict', data: toConflict(r as ConflictRow) };
  }
  for (const r of s
    .get(`SELECT * FROM kb_merges m WHERE ${inScopeSql('m.namespace', scope)} ORDER BY m.created_at, m.id`)
    .iterate(p)) {
    yield { kind: 'merge', data: toMerge(r as MergeRow) };
  }
}

/**
 * Imports records in one transaction (a bad record leaves the base unchanged). Records whose id
 * already exists are skipped, so importing the same file twice is harmless. Foreign keys are
 * checked at commit, since a file may name an entity before the one it was merged into.
 */
export function importRecords(
  s: StatementCache,
  records: readonly ExchangeRecord[],
  actor: string,
  now: number,
): Record<string, number> {
  const counts: Record<string, number> = { skipped: 0 };
  const bump = (kind: string, inserted: boolean) => {
    if (inserted) counts[kind] = (counts[kind] ?? 0) + 1;
    else counts.skipped = (counts.skipped ?? 0) + 1;
  };
  s.db
    .transaction(() => {
      s.db.pragma('defer_foreign_keys = ON');
      for (const record of records) {
        switch (record.kind) {
          case 'predicate': {
            const { builtin, ...def } = record.data;
            const r = s
              .get(
                'INSERT OR IGNORE INTO kb_predicates (name, definition, builtin, updated_at) VALUES (?, ?, ?, ?)',
              )
              .run(def.name, JSON.stringify(def), builtin ? 1 : 0, now);
            bump('predicate', r.changes > 0);
            break;
          }
          case 'document': {
            const d = record.data;
            const r = s
              .get(`INSERT OR IGNORE INTO kb_documents (id, namespace, source, title, content_hash, version, metadata, text, created_by, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
              .run(
                d.id,
                d.namespace,
                d.source,
                d.title,
                d.contentHash,
                d.version,
                JSON.stringify(d.metadata),
                s.seal(d.text),
                d.createdBy,
                d.createdAt,
                d.updatedAt,
              );
            bump('document', r.changes > 0);
            break;
          }
          case 'chunk':
            bump('chunk', insertChunk(s, record.data));
            break;
          case 'entity':
            bump('entity', insertEntity(s, record.data));
            break;
          case 'mention': {
            const m = record.data;
            const r = s
              .get('INSERT OR IGNORE INTO kb_mentions (chunk_id, entity_id, role, count) VALUES (?, ?, ?, ?)')
              .run(m.chunkId, m.entityId, m.role, m.count);
            bump('mention', r.changes > 0);
            break;
          }
          case 'fact': {
            const exists = s.get('SELECT 1 FROM kb_facts WHERE id = ?').get(record.data.id);
            if (!exists) s.get(INSERT_FACT).run(factParams(record.data));
            bump('fact', !exists);
            break;
          }
          case 'conflict':
            bump('conflict', insertConflict(s, record.data));
            break;
          case 'merge':
            bump('merge', insertMerge(s, record.data));
            break;
        }
      }
      audit(s, { at: now, actor, action: 'kb.import', namespace: null, target: null, detail: counts });
    })
    .immediate();
  return counts;
}

function insertChunk(s: StatementCache, c: KbChunk): boolean {
  if (s.get('SELECT 1 FROM kb_chunks WHERE id = ?').get(c.id)) return false;
  insertChunkRow(s, c);
  return true;
}

function insertEntity(s: StatementCache, e: KbEntity): boolean {
  if (s.get('SELECT 1 FROM kb_entities WHERE id = ?').get(e.id)) return false;
  const norm = normaliseName(e.name);
  s.get(`INSERT INTO kb_entities (id, namespace, type, name, norm, block, merged_into, version, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    e.id,
    e.namespace,
    e.type,
    e.name,
    norm,
    blockKey(norm),
    e.mergedInto,
    e.version,
    e.createdAt,
    e.updatedAt,
  );
  for (const alias of e.aliases)
    s.get('INSERT OR IGNORE INTO kb_aliases (entity_id, alias, norm) VALUES (?, ?, ?)').run(
      e.id,
      alias,
      normaliseName(alias),
    );
  return true;
}

function insertConflict(s: StatementCache, c: KbConflict): boolean {
  const r = s
    .get(`INSERT OR IGNORE INTO kb_conflicts (id, namespace, subject_id, predicate, policy, resolution, incoming_fact_id, existing_fact_ids,
      writer, label, created_at, resolved_at, resolved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      c.id,
      c.namespace,
      c.subjectId,
      c.predicate,
      c.policy,
      c.resolution,
      c.incomingFactId,
      JSON.stringify(c.existingFactIds),
      c.writer,
      JSON.stringify(c.label),
      c.createdAt,
      c.resolvedAt,
      c.resolvedBy,
    );
  return r.changes > 0;
}

function insertMerge(s: StatementCache, m: KbMerge): boolean {
  const r = s
    .get(`INSERT OR IGNORE INTO kb_merges (id, namespace, survivor_id, merged_id, moved, actor, created_at, undone_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      m.id,
      m.namespace,
      m.survivorId,
      m.mergedId,
      JSON.stringify(m.moved),
      m.actor,
      m.createdAt,
      m.undoneAt,
    );
  return r.changes > 0;
}
