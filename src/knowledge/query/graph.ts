import { MagnaError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';
import { requireWhen } from '../dates.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { validateNamespace } from '../namespaces.js';
import type { FactFilter } from '../store-port.js';
import type { EntityType, FactStatus, KbEntity, KbFact, Neighbourhood } from '../types.js';

export interface EntityView {
  entity: KbEntity;
  facts: KbFact[];
  /** Facts where this entity is the object. */
  incoming: KbFact[];
  chunks: Array<{ chunkId: string; role: string }>;
}

export async function findEntities(
  kb: KnowledgeBase,
  principal: Principal,
  query: { name?: string; type?: EntityType; namespace?: string; limit?: number },
): Promise<KbEntity[]> {
  if (query.namespace) validateNamespace(query.namespace);
  const scope = await kb.scope(principal, 'reader');
  return kb.store.entities(scope, {
    ...(query.name === undefined ? {} : { name: query.name }),
    ...(query.type ? { type: query.type } : {}),
    ...(query.namespace ? { namespace: query.namespace } : {}),
    limit: Math.min(query.limit ?? 20, 500),
  });
}

/** An entity by id, or by name (the best match), with its current facts and where it appears. */
export async function entityView(
  kb: KnowledgeBase,
  principal: Principal,
  idOrName: string,
  namespace?: string,
): Promise<EntityView | null> {
  const scope = await kb.scope(principal, 'reader', namespace ? [namespace] : undefined);
  let entity = await kb.store.entity(scope, idOrName);
  if (!entity) entity = (await kb.store.entities(scope, { name: idOrName, limit: 1 }))[0] ?? null;
  if (!entity) return null;
  while (entity.mergedInto) {
    const next: KbEntity | null = await kb.store.entity(scope, entity.mergedInto);
    if (!next) break;
    entity = next;
  }
  const [facts, incoming, chunks] = await Promise.all([
    kb.store.facts(scope, { subjectId: entity.id, limit: 200 }),
    kb.store.facts(scope, { objectId: entity.id, limit: 200 }),
    kb.store.entityChunks(scope, [entity.id], 20),
  ]);
  return { entity, facts, incoming, chunks: chunks.map((c) => ({ chunkId: c.chunkId, role: c.role })) };
}

export interface FactQuery {
  subject?: string;
  predicate?: string;
  object?: string;
  namespace?: string;
  /** Knowledge as recorded at this time (ISO string or ms). */
  asOf?: string | number;
  /** Facts true in the world at this time. */
  validAt?: string | number;
  status?: FactStatus[];
  limit?: number;
}

/** Facts by subject / predicate / object (ids or names), with time travel on both time axes. */
export async function queryFacts(
  kb: KnowledgeBase,
  principal: Principal,
  query: FactQuery,
): Promise<KbFact[]> {
  if (query.namespace) validateNamespace(query.namespace);
  if (query.predicate) await kb.predicate(query.predicate);
  const scope = await kb.scope(principal, 'reader');
  const resolve = async (ref: string | undefined): Promise<string | undefined | null> => {
    if (ref === undefined) return undefined;
    const byId = await kb.store.entity(scope, ref);
    if (byId) return byId.mergedInto ?? byId.id;
    const byName = await kb.store.entities(scope, {
      name: ref,
      limit: 1,
      ...(query.namespace ? { namespace: query.namespace } : {}),
    });
    return byName[0]?.id ?? null;
  };
  const subjectId = await resolve(query.subject);
  const objectId = await resolve(query.object);
  if (subjectId === null || objectId === null) return [];
  const asOf = requireWhen(query.asOf, 'asOf');
  const validAt = requireWhen(query.validAt, 'validAt');
  const filter: FactFilter = {
    limit: Math.min(query.limit ?? 200, 5000),
    ...(subjectId ? { subjectId } : {}),
    ...(objectId ? { objectId } : {}),
    ...(query.predicate ? { predicate: query.predicate } : {}),
    ...(query.namespace ? { namespace: query.namespace } : {}),
    ...(asOf === null ? {} : { asOf }),
    ...(validAt === null ? {} : { validAt }),
    ...(query.status ? { statuses: query.status } : {}),
  };
  return kb.store.facts(scope, filter);
}

export async function neighbourhood(
  kb: KnowledgeBase,
  principal: Principal,
  idOrName: string,
  options: { hops?: number; limit?: number; namespace?: string } = {},
): Promise<Neighbourhood | null> {
  const hops = options.hops ?? 2;
  if (!Number.isInteger(hops) || hops < 1 || hops > 4)
    throw new MagnaError('INVALID_ARGUMENT', 'hops must be an integer from 1 to 4.');
  const view = await entityView(kb, principal, idOrName, options.namespace);
  if (!view) return null;
  const scope = await kb.scope(principal, 'reader', options.namespace ? [options.namespace] : undefined);
  return kb.store.neighbourhood(scope, view.entity.id, hops, Math.min(options.limit ?? 100, 1000));
}
