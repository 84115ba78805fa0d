import { MagnaError } from '../../core/errors.js';
import type { Scope } from '../../knowledge/access.js';
import { blockKey, type EntityCandidate, normaliseName } from '../../knowledge/resolution.js';
import type { WriteHooks } from '../../knowledge/store-port.js';
import type { EntityType, KbEntity, KbMerge, MergeMoves } from '../../knowledge/types.js';
import {
  audit,
  ENTITY_COLUMNS,
  type EntityRow,
  inScopeSql,
  type MergeRow,
  type StatementCache,
  scopeParam,
  toEntity,
  toMerge,
} from './knowledge-rows.js';

/** Fuzzy matching compares a name with at most this many entities of its block (first two letters). */
const BLOCK_LIMIT = 500;

function candidatesFor(
  s: StatementCache,
  namespace: string,
  norm: string,
  aliasNorms: string[],
  type: EntityType,
): EntityCandidate[] {
  const keys = JSON.stringify([norm, ...aliasNorms]);
  const rows = s
    .get(`SELECT e.id, e.type, e.norm,
        (SELECT json_group_array(norm) FROM kb_aliases a WHERE a.entity_id = e.id) AS alias_norms
      FROM kb_entities e
      WHERE e.namespace = @namespace AND e.merged_into IS NULL AND (
        e.norm IN (SELECT value FROM json_each(@keys))
        OR e.id IN (SELECT entity_id FROM kb_aliases WHERE norm IN (SELECT value FROM json_each(@keys)))
        OR e.id IN (SELECT id FROM kb_entities WHERE namespace = @namespace AND block = @block AND type = @type
          AND merged_into IS NULL LIMIT ${BLOCK_LIMIT}))`)
    .all({ namespace, keys, block: blockKey(norm), type }) as Array<{
    id: string;
    type: EntityType;
    norm: string;
    alias_norms: string;
  }>;
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    norm: r.norm,
    aliasNorms: JSON.parse(r.alias_norms) as string[],
  }));
}

/** Resolves a name to an entity of the namespace, creating it when nothing matches. */
export function resolveOrCreate(
  s: StatementCache,
  namespace: string,
  name: { name: string; type: EntityType; aliases?: string[] },
  hooks: WriteHooks,
): { id: string; created: boolean } {
  const norm = normaliseName(name.name);
  const aliasNorms = (name.aliases ?? []).map(normaliseName).filter((a) => a.length > 0 && a !== norm);
  const match = hooks.resolveEntity(
    { norm, type: name.type, aliasNorms },
    candidatesFor(s, namespace, norm, aliasNorms, name.type),
  );
  let id = match;
  let created = false;
  if (id) {
    const row = s.get('SELECT type FROM kb_entities WHERE id = ?').get(id) as { type: string };
    // A typed mention refines an untyped entity ("thing" → "organization").
    if (row.type === 'thing' && name.type !== 'thing') {
      s.get('UPDATE kb_entities SET type = ?, updated_at = ? WHERE id = ?').run(name.type, hooks.now, id);
    }
    if (
      normaliseName(name.name) !==
      (s.get('SELECT norm FROM kb_entities WHERE id = ?').get(id) as { norm: string }).norm
    ) {
      addAlias(s, id, name.name);
    }
  } else {
    id = hooks.newId('ent');
    created = true;
    s.get(`INSERT INTO kb_entities (id, namespace, type, name, norm, block, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
      id,
      namespace,
      name.type,
      name.name,
      norm,
      blockKey(norm),
      hooks.now,
      hooks.now,
    );
  }
  for (const alias of name.aliases ?? []) addAlias(s, id, alias);
  return { id, created };
}

export function addAlias(s: StatementCache, entityId: string, alias: string): void {
  const norm = normaliseName(alias);
  if (!norm) return;
  const own = s.get('SELECT norm FROM kb_entities WHERE id = ?').get(entityId) as
    | { norm: string }
    | undefined;
  if (own?.norm === norm) return;
  s.get('INSERT OR IGNORE INTO kb_aliases (entity_id, alias, norm) VALUES (?, ?, ?)').run(
    entityId,
    alias,
    norm,
  );
}

/** Follows merges to the surviving entity. */
export function survivorOf(s: StatementCache, id: string): EntityRow | undefined {
  let row = s.get('SELECT * FROM kb_entities WHERE id = ?').get(id) as EntityRow | undefined;
  for (let guard = 0; row?.merged_into && guard < 100; guard++) {
    row = s.get('SELECT * FROM kb_entities WHERE id = ?').get(row.merged_into) as EntityRow | undefined;
  }
  return row;
}

export function scopedEntity(s: StatementCache, scope: Scope, id: string): KbEntity | null {
  const row = s
    .get(
      `SELECT ${ENTITY_COLUMNS} FROM kb_entities e WHERE e.id = @id AND ${inScopeSql('e.namespace', scope)}`,
    )
    .get({ id, ...scopeParam(scope) }) as EntityRow | undefined;
  return row ? toEntity(row) : null;
}

/**
 * Merges `mergedId` into `survivorId` (same namespace) and logs every moved row, so that
 * unmerge restores the exact prior state.
 */
export function mergeEntities(
  s: StatementCache,
  scope: Scope,
  survivorId: string,
  mergedId: string,
  actor: string,
  hooks: WriteHooks,
): KbMerge {
  return s.db
    .transaction(() => {
      if (survivorId === mergedId)
        throw new MagnaError('INVALID_ARGUMENT', 'An entity cannot be merged into itself.');
      const survivor = scopedEntity(s, scope, survivorId);
      const merged = scopedEntity(s, scope, mergedId);
      if (!survivor || !merged)
        throw new MagnaError(
          'NOT_FOUND',
          `Entity ${survivor ? mergedId : survivorId} is not in the namespaces you curate.`,
        );
      if (survivor.mergedInto || merged.mergedInto) {
        throw new MagnaError(
          'CONFLICT',
          'One of the entities was already merged; merge into the survivor instead.',
        );
      }
      if (survivor.namespace !== merged.namespace) {
        throw new MagnaError(
          'INVALID_ARGUMENT',
          `Entities of different namespaces (${survivor.namespace}, ${merged.namespace}) cannot be merged.`,
        );
      }
      const moved: MergeMoves = {
        mentions: [],
        factSubjects: [],
        factObjects: [],
        aliases: [],
        addedAliases: [],
      };
      const mentions = s
        .get('SELECT chunk_id, role, count FROM kb_mentions WHERE entity_id = ?')
        .all(mergedId) as Array<{ chunk_id: string; role: string; count: number }>;
      for (const m of mentions) {
        const had = s
          .get('SELECT role, count FROM kb_mentions WHERE entity_id = ? AND chunk_id = ?')
          .get(survivorId, m.chunk_id) as { role: string; count: number } | undefined;
        if (had) {
          s.get('UPDATE kb_mentions SET count = ?, role = ? WHERE entity_id = ? AND chunk_id = ?').run(
            had.count + m.count,
            had.role === 'subject' || m.role === 'subject' ? 'subject' : 'mention',
            survivorId,
            m.chunk_id,
          );
          s.get('DELETE FROM kb_mentions WHERE entity_id = ? AND chunk_id = ?').run(mergedId, m.chunk_id);
          moved.mentions.push({ chunkId: m.chunk_id, role: m.role, count: m.count, survivor: had });
        } else {
          s.get('UPDATE kb_mentions SET entity_id = ? WHERE entity_id = ? AND chunk_id = ?').run(
            survivorId,
            mergedId,
            m.chunk_id,
          );
          moved.mentions.push({ chunkId: m.chunk_id, role: m.role, count: m.count });
        }
      }
      moved.factSubjects = (
        s.get('SELECT id FROM kb_facts WHERE subject_id = ?').all(mergedId) as Array<{ id: string }>
      ).map((r) => r.id);
      moved.factObjects = (
        s.get('SELECT id FROM kb_facts WHERE object_id = ?').all(mergedId) as Array<{ id: string }>
      ).map((r) => r.id);
      s.get('UPDATE kb_facts SET subject_id = ? WHERE subject_id = ?').run(survivorId, mergedId);
      s.get('UPDATE kb_facts SET object_id = ? WHERE object_id = ?').run(survivorId, mergedId);
      const aliases = s.get('SELECT alias, norm FROM kb_aliases WHERE entity_id = ?').all(mergedId) as Array<{
        alias: string;
        norm: string;
      }>;
      const survivorNorm = normaliseName(survivor.name);
      for (const a of aliases) {
        const exists = s
          .get('SELECT 1 FROM kb_aliases WHERE entity_id = ? AND norm = ?')
          .get(survivorId, a.norm);
        if (!exists && a.norm !== survivorNorm) {
          s.get('UPDATE kb_aliases SET entity_id = ? WHERE entity_id = ? AND norm = ?').run(
            survivorId,
            mergedId,
            a.norm,
          );
          moved.aliases.push(a);
        }
      }
      const mergedNorm = normaliseName(merged.name);
      if (
        mergedNorm !== survivorNorm &&
        !s.get('SELECT 1 FROM kb_aliases WHERE entity_id = ? AND norm = ?').get(survivorId, mergedNorm)
      ) {
        s.get('INSERT INTO kb_aliases (entity_id, alias, norm) VALUES (?, ?, ?)').run(
          survivorId,
          merged.name,
          mergedNorm,
        );
        moved.addedAliases.push({ alias: merged.name, norm: mergedNorm });
      }
      s.get('UPDATE kb_entities SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?').run(
        survivorId,
        hooks.now,
        mergedId,
      );
      s.get('UPDATE kb_entities SET version = version + 1, updated_at = ? WHERE id = ?').run(
        hooks.now,
        survivorId,
      );
      const merge: KbMerge = {
        id: hooks.newId('merge'),
        namespace: survivor.namespace,
        survivorId,
        mergedId,
        actor,
        createdAt: hooks.now,
        undoneAt: null,
        moved,
      };
      s.get(
        `INSERT INTO kb_merges (id, namespace, survivor_id, merged_id, moved, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(merge.id, merge.namespace, survivorId, mergedId, JSON.stringify(moved), actor, hooks.now);
      audit(s, {
        at: hooks.now,
        actor,
        action: 'entity.merge',
        namespace: survivor.namespace,
        target: merge.id,
        detail: { survivorId, mergedId },
      });
      return merge;
    })
    .immediate();
}

export function unmerge(
  s: StatementCache,
  scope: Scope,
  mergeId: string,
  actor: string,
  now: number,
): KbMerge {
  return s.db
    .transaction(() => {
      const row = s
        .get(`SELECT * FROM kb_merges m WHERE m.id = @id AND ${inScopeSql('m.namespace', scope)}`)
        .get({ id: mergeId, ...scopeParam(scope) }) as MergeRow | undefined;
      if (!row) throw new MagnaError('NOT_FOUND', `No merge ${mergeId} in the namespaces you curate.`);
      if (row.undone_at !== null) throw new MagnaError('CONFLICT', `Merge ${mergeId} was already undone.`);
      const later = s
        .get(
          'SELECT id FROM kb_merges WHERE merged_id = ? AND undone_at IS NULL AND created_at >= ? AND id != ?',
        )
        .get(row.survivor_id, row.created_at, mergeId) as { id: string } | undefined;
      if (later)
        throw new MagnaError(
          'CONFLICT',
          `Undo merge ${later.id} first: it merged the survivor into another entity.`,
        );
      const merge = toMerge(row);
      const { survivorId, mergedId, moved } = merge;
      for (const m of moved.mentions) {
        if (m.survivor) {
          s.get('UPDATE kb_mentions SET role = ?, count = ? WHERE entity_id = ? AND chunk_id = ?').run(
            m.survivor.role,
            m.survivor.count,
            survivorId,
            m.chunkId,
          );
          s.get('INSERT INTO kb_mentions (chunk_id, entity_id, role, count) VALUES (?, ?, ?, ?)').run(
            m.chunkId,
            mergedId,
            m.role,
            m.count,
          );
        } else {
          s.get('UPDATE kb_mentions SET entity_id = ? WHERE entity_id = ? AND chunk_id = ?').run(
            mergedId,
            survivorId,
            m.chunkId,
          );
        }
      }
      const back = (column: 'subject_id' | 'object_id', ids: string[]) => {
        if (ids.length > 0) {
          s.get(`UPDATE kb_facts SET ${column} = ? WHERE id IN (SELECT value FROM json_each(?))`).run(
            mergedId,
            JSON.stringify(ids),
          );
        }
      };
      back('subject_id', moved.factSubjects);
      back('object_id', moved.factObjects);
      for (const a of moved.aliases)
        s.get('UPDATE kb_aliases SET entity_id = ? WHERE entity_id = ? AND norm = ?').run(
          mergedId,
          survivorId,
          a.norm,
        );
      for (const a of moved.addedAliases)
        s.get('DELETE FROM kb_aliases WHERE entity_id = ? AND norm = ?').run(survivorId, a.norm);
      s.get(
        'UPDATE kb_entities SET merged_into = NULL, version = version + 1, updated_at = ? WHERE id = ?',
      ).run(now, mergedId);
      s.get('UPDATE kb_entities SET version = version + 1, updated_at = ? WHERE id = ?').run(now, survivorId);
      s.get('UPDATE kb_merges SET undone_at = ?, undone_by = ? WHERE id = ?').run(now, actor, mergeId);
      audit(s, { at: now, actor, action: 'entity.unmerge', namespace: merge.namespace, target: mergeId });
      return { ...merge, undoneAt: now };
    })
    .immediate();
}
