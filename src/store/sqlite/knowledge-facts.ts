import { MagnaError } from '../../core/errors.js';
import type { Scope } from '../../knowledge/access.js';
import { type FactDraft, factContentHash } from '../../knowledge/consistency.js';
import type { PredicateDefinition } from '../../knowledge/predicates.js';
import type { FactWriteOutcome, WriteHooks } from '../../knowledge/store-port.js';
import type { KbConflict, KbFact } from '../../knowledge/types.js';
import {
  audit,
  type ConflictRow,
  type FactRow,
  factParams,
  INSERT_FACT,
  inScopeSql,
  labelInScopeSql,
  type StatementCache,
  scopeParam,
  toConflict,
  toFact,
} from './knowledge-rows.js';

export interface FactMeta {
  valueType: string | null;
  documentId: string | null;
  chunkId: string | null;
  label: string[];
  actor: string;
}

/**
 * Writes one fact inside the caller's transaction: idempotent by content hash, then the
 * predicate's policy decides against the current records of the (subject, predicate) slot.
 * Superseded records are never deleted; a changed state is a successor row.
 */
export function applyFact(
  s: StatementCache,
  draft: FactDraft,
  meta: FactMeta,
  predicate: PredicateDefinition,
  hooks: WriteHooks,
): FactWriteOutcome {
  const hash = factContentHash(draft);
  const same = s.get('SELECT * FROM kb_facts WHERE content_hash = ? AND superseded_at IS NULL').get(hash) as
    | FactRow
    | undefined;
  if (same) return { fact: toFact(same), created: false, conflicts: [] };
  const current = (
    s
      .get(
        'SELECT * FROM kb_facts WHERE subject_id = ? AND predicate = ? AND superseded_at IS NULL ORDER BY seq',
      )
      .all(draft.subjectId, draft.predicate) as FactRow[]
  ).map(toFact);
  const decision = hooks.decideFact(predicate, draft, current);
  const now = hooks.now;
  const byId = new Map(current.map((f) => [f.id, f]));
  for (const change of decision.changes) {
    const old = byId.get(change.factId);
    if (!old) continue;
    s.get('UPDATE kb_facts SET superseded_at = ?, end_reason = ? WHERE id = ?').run(
      now,
      change.endReason,
      old.id,
    );
    if (change.successor) {
      const successor: KbFact = {
        ...old,
        id: hooks.newId('fact'),
        status: change.successor.status ?? old.status,
        validTo: change.successor.validTo === undefined ? old.validTo : change.successor.validTo,
        recordedAt: now,
        supersededAt: null,
        endReason: null,
        replaces: old.id,
      };
      s.get(INSERT_FACT).run(factParams(successor));
    }
  }
  const fact: KbFact = {
    id: hooks.newId('fact'),
    namespace: draft.namespace,
    subjectId: draft.subjectId,
    predicate: draft.predicate,
    objectId: draft.objectId,
    value: draft.value,
    valueType: meta.valueType as KbFact['valueType'],
    confidence: draft.confidence,
    trust: draft.trust,
    status: decision.status,
    validFrom: draft.validFrom,
    validTo: decision.validTo === undefined ? draft.validTo : decision.validTo,
    recordedAt: now,
    supersededAt: null,
    endReason: null,
    source: draft.source,
    documentId: meta.documentId,
    chunkId: meta.chunkId,
    assertedBy: meta.actor,
    label: meta.label,
    contentHash: hash,
    replaces: null,
  };
  s.get(INSERT_FACT).run(factParams(fact));
  const conflicts: KbConflict[] = [];
  if (decision.conflict) {
    const labels = new Set(fact.label);
    for (const id of decision.conflict.existingIds) for (const l of byId.get(id)?.label ?? []) labels.add(l);
    const conflict: KbConflict = {
      id: hooks.newId('conflict'),
      namespace: draft.namespace,
      subjectId: draft.subjectId,
      predicate: draft.predicate,
      policy: predicate.policy,
      resolution: decision.conflict.resolution,
      incomingFactId: fact.id,
      existingFactIds: decision.conflict.existingIds,
      writer: meta.actor,
      label: [...labels].sort(),
      createdAt: now,
      resolvedAt: null,
      resolvedBy: null,
    };
    s.get(`INSERT INTO kb_conflicts (id, namespace, subject_id, predicate, policy, resolution, incoming_fact_id,
      existing_fact_ids, writer, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      conflict.id,
      conflict.namespace,
      conflict.subjectId,
      conflict.predicate,
      conflict.policy,
      conflict.resolution,
      conflict.incomingFactId,
      JSON.stringify(conflict.existingFactIds),
      conflict.writer,
      JSON.stringify(conflict.label),
      now,
    );
    conflicts.push(conflict);
  }
  return { fact, created: true, conflicts };
}

/** The current record of a fact, following successors; null when it was ended without one. */
export function currentRecord(s: StatementCache, factId: string): KbFact | null {
  let row = s.get('SELECT * FROM kb_facts WHERE id = ?').get(factId) as FactRow | undefined;
  for (let guard = 0; row && row.superseded_at !== null && guard < 1000; guard++) {
    row = s.get('SELECT * FROM kb_facts WHERE replaces = ?').get(row.id) as FactRow | undefined;
  }
  return row ? toFact(row) : null;
}

export function scopedFact(s: StatementCache, scope: Scope, factId: string): KbFact | null {
  const row = s
    .get(
      `SELECT * FROM kb_facts f WHERE f.id = @id AND ${inScopeSql('f.namespace', scope)} AND ${labelInScopeSql('f.label', scope)}`,
    )
    .get({ id: factId, ...scopeParam(scope) }) as FactRow | undefined;
  return row ? toFact(row) : null;
}

export function retractFact(
  s: StatementCache,
  scope: Scope,
  factId: string,
  actor: string,
  now: number,
): KbFact {
  return s.db
    .transaction(() => {
      const fact = scopedFact(s, scope, factId);
      if (!fact) throw new MagnaError('NOT_FOUND', `No fact ${factId} in the namespaces you may write.`);
      if (fact.supersededAt !== null) {
        throw new MagnaError(
          'KB_VERSION_CONFLICT',
          `Fact ${factId} is no longer current; re-read it and retry.`,
          {
            details: { factId, current: currentRecord(s, factId)?.id ?? null },
          },
        );
      }
      s.get(`UPDATE kb_facts SET superseded_at = ?, end_reason = 'retracted' WHERE id = ?`).run(now, factId);
      audit(s, { at: now, actor, action: 'fact.retract', namespace: fact.namespace, target: factId });
      return { ...fact, supersededAt: now, endReason: 'retracted' as const };
    })
    .immediate();
}

/**
 * A curator settles a conflict: the winner becomes active, the other values of the slot that
 * the conflict named become rejected (kept, never deleted). A null winner only closes it.
 */
export function resolveConflict(
  s: StatementCache,
  scope: Scope,
  conflictId: string,
  winnerFactId: string | null,
  actor: string,
  hooks: WriteHooks,
): KbConflict {
  return s.db
    .transaction(() => {
      const row = s
        .get(
          `SELECT * FROM kb_conflicts c WHERE c.id = @id AND ${inScopeSql('c.namespace', scope)} AND ${labelInScopeSql('c.label', scope)}`,
        )
        .get({ id: conflictId, ...scopeParam(scope) }) as ConflictRow | undefined;
      if (!row) throw new MagnaError('NOT_FOUND', `No conflict ${conflictId} in the namespaces you curate.`);
      if (row.resolved_at !== null)
        throw new MagnaError('CONFLICT', `Conflict ${conflictId} is already resolved.`);
      const conflict = toConflict(row);
      const involved = [conflict.incomingFactId, ...conflict.existingFactIds]
        .map((id) => currentRecord(s, id))
        .filter((f): f is KbFact => f !== null);
      const winner =
        winnerFactId === null
          ? null
          : involved.find(
              (f) => f.id === winnerFactId || f.replaces === winnerFactId || sameChain(s, f.id, winnerFactId),
            );
      if (winnerFactId !== null && !winner) {
        throw new MagnaError(
          'INVALID_ARGUMENT',
          `Fact ${winnerFactId} is not one of the current values of conflict ${conflictId}.`,
        );
      }
      if (winner) {
        for (const f of involved) {
          const status = f.id === winner.id ? 'active' : 'rejected';
          if (f.status === status) continue;
          s.get(`UPDATE kb_facts SET superseded_at = ?, end_reason = 'superseded' WHERE id = ?`).run(
            hooks.now,
            f.id,
          );
          s.get(INSERT_FACT).run(
            factParams({
              ...f,
              id: hooks.newId('fact'),
              status,
              recordedAt: hooks.now,
              supersededAt: null,
              endReason: null,
              replaces: f.id,
            }),
          );
        }
      }
      s.get('UPDATE kb_conflicts SET resolved_at = ?, resolved_by = ? WHERE id = ?').run(
        hooks.now,
        actor,
        conflictId,
      );
      audit(s, {
        at: hooks.now,
        actor,
        action: 'conflict.resolve',
        namespace: conflict.namespace,
        target: conflictId,
        detail: { winner: winner?.id ?? null },
      });
      return { ...conflict, resolvedAt: hooks.now, resolvedBy: actor };
    })
    .immediate();
}

function sameChain(s: StatementCache, currentId: string, originalId: string): boolean {
  return currentRecord(s, originalId)?.id === currentId;
}
