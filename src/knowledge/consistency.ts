import { createHash } from 'node:crypto';
import type { PredicateDefinition } from './predicates.js';
import type { ConflictResolution, FactEndReason, FactStatus, KbFact } from './types.js';

/** A fact about to be written, its subject and object already resolved to entity ids. */
export interface FactDraft {
  namespace: string;
  subjectId: string;
  predicate: string;
  objectId: string | null;
  value: string | number | boolean | null;
  confidence: number;
  trust: number;
  validFrom: number | null;
  validTo: number | null;
  source: string | null;
}

/** What to do with an incoming fact and the current facts in its (subject, predicate) slot. */
export interface FactDecision {
  status: FactStatus;
  /** Overrides the incoming fact's valid-to (a late report of an older state becomes history). */
  validTo?: number | null;
  /** Current records to supersede; `successor` is the state that replaces each, if any. */
  changes: Array<{
    factId: string;
    endReason: FactEndReason;
    successor?: { status?: FactStatus; validTo?: number | null };
  }>;
  conflict?: { resolution: ConflictResolution; existingIds: string[] };
}

/** Identity of a claim: the same claim from the same source is stored once. */
export function factContentHash(draft: FactDraft): string {
  const key = JSON.stringify([
    draft.namespace,
    draft.subjectId,
    draft.predicate,
    draft.objectId,
    draft.value,
    draft.validFrom,
    draft.validTo,
    draft.source,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function sameObject(
  a: Pick<FactDraft, 'objectId' | 'value'>,
  b: Pick<KbFact, 'objectId' | 'value'>,
): boolean {
  if (a.objectId !== null || b.objectId !== null) return a.objectId === b.objectId;
  return normaliseValue(a.value) === normaliseValue(b.value);
}

function normaliseValue(value: string | number | boolean | null): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : String(value);
}

function overlaps(
  a: { validFrom: number | null; validTo: number | null },
  b: { validFrom: number | null; validTo: number | null },
) {
  const aFrom = a.validFrom ?? Number.NEGATIVE_INFINITY;
  const aTo = a.validTo ?? Number.POSITIVE_INFINITY;
  const bFrom = b.validFrom ?? Number.NEGATIVE_INFINITY;
  const bTo = b.validTo ?? Number.POSITIVE_INFINITY;
  return aFrom < bTo && bFrom < aTo;
}

/**
 * Applies the predicate's cardinality and conflict policy. `current` holds the slot's records
 * that are current (not superseded); rejected ones never block a write. Pure: the store calls
 * it inside the write transaction, so the decision and the write see the same state.
 */
export function decideFact(
  predicate: PredicateDefinition,
  incoming: FactDraft,
  current: readonly KbFact[],
): FactDecision {
  const live = current.filter((f) => f.status !== 'rejected');
  const agreeing = live.filter((f) => sameObject(incoming, f));
  if (predicate.cardinality === 'many') return { status: 'active', changes: [] };
  const contradicting = live.filter((f) => !sameObject(incoming, f) && overlaps(incoming, f));
  if (contradicting.length === 0) {
    // Corroboration of a disputed value stays disputed until a curator resolves it.
    const disputed = agreeing.some((f) => f.status === 'disputed');
    return { status: disputed ? 'disputed' : 'active', changes: [] };
  }
  const existingIds = contradicting.map((f) => f.id);
  switch (predicate.policy) {
    case 'supersede':
      return supersede(predicate, incoming, contradicting, existingIds);
    case 'highest-confidence': {
      const incomingScore = incoming.confidence * incoming.trust;
      const best = Math.max(...contradicting.map((f) => f.confidence * f.trust));
      if (incomingScore > best) {
        return {
          status: 'active',
          changes: contradicting.map((f) => ({
            factId: f.id,
            endReason: 'superseded',
            successor: { status: 'rejected' },
          })),
          conflict: { resolution: 'replaced-existing', existingIds },
        };
      }
      return { status: 'rejected', changes: [], conflict: { resolution: 'kept-existing', existingIds } };
    }
    case 'disputed':
      return {
        status: 'disputed',
        changes: contradicting
          .filter((f) => f.status !== 'disputed')
          .map((f) => ({ factId: f.id, endReason: 'superseded', successor: { status: 'disputed' } })),
        conflict: { resolution: 'disputed', existingIds },
      };
  }
}

function supersede(
  predicate: PredicateDefinition,
  incoming: FactDraft,
  contradicting: readonly KbFact[],
  existingIds: string[],
): FactDecision {
  const from = incoming.validFrom ?? Number.NEGATIVE_INFINITY;
  if (!predicate.temporal) {
    return {
      status: 'active',
      changes: contradicting.map((f) => ({ factId: f.id, endReason: 'corrected' })),
      conflict: { resolution: 'replaced-existing', existingIds },
    };
  }
  const newer = contradicting.filter((f) => (f.validFrom ?? Number.NEGATIVE_INFINITY) > from);
  if (newer.length > 0) {
    // A late report of an older state: it becomes history that ends where the newer value starts.
    const end = Math.min(...newer.map((f) => f.validFrom ?? Number.POSITIVE_INFINITY));
    const validTo = incoming.validTo === null ? end : Math.min(incoming.validTo, end);
    const older = contradicting.filter((f) => (f.validFrom ?? Number.NEGATIVE_INFINITY) < from);
    return {
      status: 'active',
      validTo,
      changes: older.map((f) => ({
        factId: f.id,
        endReason: 'superseded',
        successor: { validTo: incoming.validFrom },
      })),
      conflict: { resolution: 'historical', existingIds },
    };
  }
  return {
    status: 'active',
    changes: contradicting.map((f) =>
      (f.validFrom ?? Number.NEGATIVE_INFINITY) < from
        ? { factId: f.id, endReason: 'superseded', successor: { validTo: incoming.validFrom } }
        : { factId: f.id, endReason: 'corrected' },
    ),
    conflict: { resolution: 'superseded-existing', existingIds },
  };
}
