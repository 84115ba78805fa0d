import { MagnaError } from '../../core/errors.js';
import type { FactDraft } from '../../knowledge/consistency.js';
import type { PredicateDefinition } from '../../knowledge/predicates.js';
import type {
  DocumentWrite,
  DocumentWriteOutcome,
  FactWrite,
  FactWriteOutcome,
  WriteHooks,
} from '../../knowledge/store-port.js';
import type { KbConflict, KbDocument, KbFact } from '../../knowledge/types.js';
import { resolveOrCreate, survivorOf } from './knowledge-entities.js';
import { applyFact } from './knowledge-facts.js';
import {
  audit,
  type DocumentRow,
  insertChunkRow,
  type StatementCache,
  toDocument,
} from './knowledge-rows.js';

/**
 * Writes one document with its chunks, entities, mentions and facts in one transaction:
 * either all of it is stored or none. Same content hash → nothing written (idempotent);
 * a stale expectedVersion → KB_VERSION_CONFLICT with the current version.
 */
export function writeDocument(
  s: StatementCache,
  write: DocumentWrite,
  predicates: ReadonlyMap<string, PredicateDefinition>,
  hooks: WriteHooks,
): DocumentWriteOutcome {
  return s.db
    .transaction((): DocumentWriteOutcome => {
      const { namespace, prepared } = write;
      const input = prepared.input;
      const now = hooks.now;
      const existing = s
        .get('SELECT * FROM kb_documents WHERE namespace = ? AND source = ?')
        .get(namespace, input.source) as DocumentRow | undefined;
      const currentVersion = existing?.version ?? 0;
      if (write.expectedVersion !== undefined && write.expectedVersion !== currentVersion) {
        throw new MagnaError(
          'KB_VERSION_CONFLICT',
          `Document ${input.source} in ${namespace} is at version ${currentVersion}, not ${write.expectedVersion}; re-read it and retry.`,
          {
            details: {
              namespace,
              source: input.source,
              documentId: existing?.id ?? null,
              currentVersion,
              expectedVersion: write.expectedVersion,
            },
          },
        );
      }
      if (existing && existing.content_hash === prepared.contentHash) {
        const chunkIds = (
          s
            .get('SELECT id FROM kb_chunks WHERE document_id = ? AND superseded_at IS NULL ORDER BY ordinal')
            .all(existing.id) as Array<{ id: string }>
        ).map((r) => r.id);
        return {
          document: toDocument(s, existing),
          created: false,
          unchanged: true,
          chunkIds,
          entityIds: [],
          facts: [],
          conflicts: [],
        };
      }
      let document: KbDocument;
      const metadata = JSON.stringify(input.metadata ?? {});
      if (existing) {
        s.get(`UPDATE kb_documents SET title = ?, content_hash = ?, version = version + 1, metadata = ?, text = ?, updated_at = ?
        WHERE id = ?`).run(
          input.title ?? null,
          prepared.contentHash,
          metadata,
          s.seal(input.text),
          now,
          existing.id,
        );
        s.get('UPDATE kb_chunks SET superseded_at = ? WHERE document_id = ? AND superseded_at IS NULL').run(
          now,
          existing.id,
        );
        s.get(
          `UPDATE kb_facts SET superseded_at = ?, end_reason = 'revised' WHERE document_id = ? AND superseded_at IS NULL`,
        ).run(now, existing.id);
        document = toDocument(
          s,
          s.get('SELECT * FROM kb_documents WHERE id = ?').get(existing.id) as DocumentRow,
        );
      } else {
        const id = hooks.newId('doc');
        s.get(`INSERT INTO kb_documents (id, namespace, source, title, content_hash, version, metadata, text, created_by, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`).run(
          id,
          namespace,
          input.source,
          input.title ?? null,
          prepared.contentHash,
          metadata,
          s.seal(input.text),
          write.actor,
          now,
          now,
        );
        document = toDocument(s, s.get('SELECT * FROM kb_documents WHERE id = ?').get(id) as DocumentRow);
      }
      const chunkIds = prepared.chunks.map((c) => {
        const id = hooks.newId('chk');
        insertChunkRow(s, {
          id,
          documentId: document.id,
          namespace,
          version: document.version,
          ordinal: c.ordinal,
          text: c.text,
          start: c.start,
          end: c.end,
          names: c.names,
          category: c.category,
          recordedAt: now,
          supersededAt: null,
        });
        return id;
      });
      const entityIds = new Map<string, string>();
      const upsertMention =
        s.get(`INSERT INTO kb_mentions (chunk_id, entity_id, role, count) VALUES (?, ?, ?, ?)
      ON CONFLICT (chunk_id, entity_id) DO UPDATE SET count = count + excluded.count,
        role = CASE WHEN excluded.role = 'subject' THEN 'subject' ELSE role END`);
      for (const e of prepared.entities) {
        const { id } = resolveOrCreate(
          s,
          namespace,
          { name: e.name, type: e.type, aliases: e.aliases },
          hooks,
        );
        entityIds.set(e.key, id);
        for (const m of e.mentions) {
          const chunkId = chunkIds[m.ordinal];
          if (chunkId) upsertMention.run(chunkId, id, m.role, m.count);
        }
      }
      const facts: Array<{ fact: KbFact; created: boolean }> = [];
      const conflicts: KbConflict[] = [];
      for (const f of prepared.facts) {
        const predicate = predicates.get(f.predicate);
        const subjectId = entityIds.get(f.subjectKey);
        const objectId = f.objectKey === null ? null : entityIds.get(f.objectKey);
        if (!predicate || !subjectId || objectId === undefined) continue;
        if ((predicate.objectKind === 'entity') !== (objectId !== null)) continue;
        const draft: FactDraft = {
          namespace,
          subjectId,
          predicate: f.predicate,
          objectId,
          value: objectId === null ? f.value : null,
          confidence: f.confidence,
          trust: write.trust,
          validFrom: predicate.temporal ? f.validFrom : null,
          validTo: null,
          source: input.source,
        };
        const outcome = applyFact(
          s,
          draft,
          {
            valueType: f.valueType,
            documentId: document.id,
            chunkId: chunkIds[f.ordinal] ?? null,
            label: [namespace],
            actor: write.actor,
          },
          predicate,
          hooks,
        );
        facts.push({ fact: outcome.fact, created: outcome.created });
        conflicts.push(...outcome.conflicts);
      }
      audit(s, {
        at: now,
        actor: write.actor,
        action: existing ? 'document.revise' : 'document.create',
        namespace,
        target: document.id,
        detail: {
          source: input.source,
          version: document.version,
          chunks: chunkIds.length,
          facts: facts.length,
          conflicts: conflicts.length,
        },
      });
      return {
        document,
        created: !existing,
        unchanged: false,
        chunkIds,
        entityIds: [...new Set(entityIds.values())],
        facts,
        conflicts,
      };
    })
    .immediate();
}

export function writeFact(
  s: StatementCache,
  write: FactWrite,
  predicate: PredicateDefinition,
  hooks: WriteHooks,
): FactWriteOutcome {
  return s.db
    .transaction((): FactWriteOutcome => {
      const label = new Set(write.label);
      const entity = (ref: FactWrite['subject']): string => {
        if ('id' in ref) {
          const row = survivorOf(s, ref.id);
          if (!row) throw new MagnaError('NOT_FOUND', `No entity ${ref.id}.`);
          label.add(row.namespace);
          return row.id;
        }
        return resolveOrCreate(s, write.namespace, ref, hooks).id;
      };
      const subjectId = entity(write.subject);
      const objectId = write.object ? entity(write.object) : null;
      const draft: FactDraft = {
        namespace: write.namespace,
        subjectId,
        predicate: write.predicate,
        objectId,
        value: write.value,
        confidence: write.confidence,
        trust: write.trust,
        validFrom: write.validFrom,
        validTo: write.validTo,
        source: write.source,
      };
      const outcome = applyFact(
        s,
        draft,
        {
          valueType: write.valueType,
          documentId: write.documentId,
          chunkId: write.chunkId,
          label: [...label].sort(),
          actor: write.actor,
        },
        predicate,
        hooks,
      );
      if (outcome.created) {
        audit(s, {
          at: hooks.now,
          actor: write.actor,
          action: 'fact.assert',
          namespace: write.namespace,
          target: outcome.fact.id,
          detail: {
            predicate: write.predicate,
            status: outcome.fact.status,
            conflicts: outcome.conflicts.map((c) => c.id),
          },
        });
      }
      return outcome;
    })
    .immediate();
}
