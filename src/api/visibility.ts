import type { Principal } from '../core/principal.js';
import type { Task, TaskFilter } from '../queue/types.js';
import type { System } from '../runtime/system.js';
import { Viewer } from '../security/visibility.js';

/** Mission owners never change; remembering them keeps event streams from asking per event. */
const OWNER_CACHE_LIMIT = 10_000;
const missionOwners = new WeakMap<System, Map<string, Principal | null>>();

async function missionOwner(system: System, missionId: string): Promise<Principal | null | undefined> {
  let cache = missionOwners.get(system);
  if (!cache) {
    cache = new Map();
    missionOwners.set(system, cache);
  }
  if (cache.has(missionId)) return cache.get(missionId);
  const [first] = await system.queue.list({ missionId, limit: 1 });
  if (!first) return undefined;
  if (cache.size >= OWNER_CACHE_LIMIT) cache.clear();
  cache.set(missionId, first.actor);
  return first.actor;
}

/** The caller's view of the system's records (src/security/visibility.ts has the rule). */
export function viewerOf(system: System, principal: Principal): Viewer {
  return new Viewer(principal, {
    readScope: (p) => system.knowledge.scope(p, 'reader'),
    missionOwner: (id) => missionOwner(system, id),
    taskOwner: async (id) => {
      const task = await system.queue.get(id);
      return task ? task.actor : undefined;
    },
  });
}

/** Most pages of other callers' tasks skipped to fill one listing, so a listing stays bounded. */
const MAX_PAGES = 20;

/**
 * Lists the tasks the caller may see, filling `limit` from successive pages of the store's
 * listing (others' tasks are skipped, at most MAX_PAGES pages are read).
 */
export async function visibleTasks(system: System, viewer: Viewer, filter: TaskFilter): Promise<Task[]> {
  const limit = filter.limit ?? 100;
  if (viewer.isAdmin) return system.queue.list(filter);
  const out: Task[] = [];
  let afterSeq = filter.afterSeq;
  for (let page = 0; page < MAX_PAGES && out.length < limit; page++) {
    const batch = await system.queue.list({
      ...filter,
      limit,
      ...(afterSeq !== undefined ? { afterSeq } : {}),
    });
    for (const task of batch) {
      if (out.length < limit && (await viewer.canSeeTask(task))) out.push(viewer.redactTask(task));
    }
    if (batch.length < limit) break;
    afterSeq = batch[batch.length - 1]?.seq;
  }
  return out;
}
