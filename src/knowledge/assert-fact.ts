import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { requireWhen } from './dates.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { validateNamespace } from './namespaces.js';
import type { EntityType, FactInput, FactWriteResult } from './types.js';

export type FactAssertion = FactInput & { subjectType?: EntityType; objectType?: EntityType };

const factInputSchema = z
  .object({
    namespace: z.string(),
    subject: z.union([z.string().trim().min(1), z.object({ id: z.string().min(1) })]),
    predicate: z.string().min(1),
    object: z.union([z.string().trim().min(1), z.object({ id: z.string().min(1) })]).optional(),
    value: z.union([z.string(), z.number().finite(), z.boolean()]).optional(),
    confidence: z.number().min(0).max(1).optional(),
    trust: z.number().min(0).max(1).optional(),
    validFrom: z.union([z.number(), z.string()]).optional(),
    validTo: z.union([z.number(), z.string()]).optional(),
    source: z.string().max(2048).optional(),
    chunkIds: z.array(z.string()).max(100).optional(),
    subjectType: z.enum(['person', 'organization', 'place', 'work', 'thing']).optional(),
    objectType: z.enum(['person', 'organization', 'place', 'work', 'thing']).optional(),
  })
  .strict();

/**
 * Asserts one fact: validated, checked against the predicate registry and the principal's
 * writer role, labelled with the namespaces of every chunk it cites, then written under the
 * predicate's consistency policy. The result names any conflict it raised.
 */
export async function assertFact(
  kb: KnowledgeBase,
  principal: Principal,
  input: FactAssertion,
): Promise<FactWriteResult> {
  await kb.init();
  const parsed = factInputSchema.safeParse(input);
  if (!parsed.success)
    throw new MagnaError('INVALID_ARGUMENT', 'Invalid fact.', {
      details: issuesToDetails(parsed.error.issues),
    });
  const f = parsed.data;
  const namespace = validateNamespace(f.namespace);
  await kb.requireRole(principal, namespace, 'writer');
  const predicate = await kb.predicate(f.predicate);
  if (predicate.objectKind === 'entity' && (f.object === undefined || f.value !== undefined)) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Predicate ${predicate.name} takes an entity object, not a value.`,
    );
  }
  if (predicate.objectKind === 'value' && (f.value === undefined || f.object !== undefined)) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Predicate ${predicate.name} takes a ${predicate.valueType} value, not an entity.`,
    );
  }
  const validFrom = requireWhen(f.validFrom, 'validFrom');
  const validTo = requireWhen(f.validTo, 'validTo');
  if (validFrom !== null && validTo !== null && validTo <= validFrom)
    throw new MagnaError('INVALID_ARGUMENT', 'validTo must be after validFrom.');
  // Derived facts carry the namespaces of every chunk they came from (the strictest label).
  const label = new Set([namespace]);
  let documentId: string | null = null;
  if (f.chunkIds && f.chunkIds.length > 0) {
    const readable = await kb.scope(principal, 'reader');
    const chunks = await kb.store.chunks(readable, f.chunkIds);
    if (chunks.length !== new Set(f.chunkIds).size)
      throw new MagnaError('NOT_FOUND', 'A cited chunk does not exist or you may not read it.');
    for (const c of chunks) label.add(c.namespace);
    documentId = chunks.length === 1 ? chunks[0]!.documentId : null;
  }
  const ref = (r: string | { id: string }, type: EntityType | undefined) =>
    typeof r === 'string' ? { name: r, type: type ?? 'thing' } : r;
  if (typeof f.subject !== 'string') await requireReadableEntity(kb, principal, f.subject.id);
  if (f.object !== undefined && typeof f.object !== 'string')
    await requireReadableEntity(kb, principal, f.object.id);
  const outcome = await kb.store.writeFact(
    {
      namespace,
      subject: ref(f.subject, f.subjectType),
      predicate: predicate.name,
      object: f.object === undefined ? null : ref(f.object, f.objectType),
      value: f.value ?? null,
      valueType: predicate.objectKind === 'value' ? predicate.valueType : null,
      confidence: f.confidence ?? 1,
      trust: f.trust ?? 1,
      validFrom: predicate.temporal ? validFrom : null,
      validTo: predicate.temporal ? validTo : null,
      source: f.source ?? null,
      documentId,
      chunkId: f.chunkIds?.length === 1 ? f.chunkIds[0]! : null,
      label: [...label].sort(),
      actor: principal.id,
    },
    predicate,
    kb.hooks(),
  );
  if (outcome.created)
    kb.events?.emit('kb:fact', { factId: outcome.fact.id, namespace, predicate: predicate.name });
  for (const c of outcome.conflicts) kb.announceConflict(c);
  return outcome;
}

async function requireReadableEntity(kb: KnowledgeBase, principal: Principal, id: string): Promise<void> {
  const entity = await kb.store.entity(await kb.scope(principal, 'reader'), id);
  if (!entity) throw new MagnaError('NOT_FOUND', `No entity ${id} that you may read.`);
}
