import { z } from 'zod';
import { type Clock, ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { type AnyEvent, EventHub } from '../../src/core/events.js';
import { SkillCatalog } from '../../src/queue/skill-catalog.js';
import type { QueueStore } from '../../src/queue/store-port.js';
import { TaskQueue } from '../../src/queue/task-queue.js';
import type { Lease, Task } from '../../src/queue/types.js';

/** A queue on a given store with a manual clock, a fixed random source and an event log. */
export interface QueueHarness {
  queue: TaskQueue;
  clock: ManualClock;
  events: AnyEvent[];
  close(): Promise<void>;
}

/** Builds a store whose lease clock is `clock` (the harness's manual clock). */
export type StoreFactory = (clock: Clock) => Promise<{ store: QueueStore; close(): Promise<void> }>;

export const SKILLS = ['alpha', 'beta', 'gamma'] as const;

export async function makeHarness(
  factory: StoreFactory,
  queueOverrides: Record<string, unknown> = {},
): Promise<QueueHarness> {
  const clock = new ManualClock();
  const { store, close } = await factory(clock);
  const catalog = new SkillCatalog();
  for (const name of SKILLS) {
    catalog.register({
      name,
      description: name,
      input: z.object({ n: z.number().int().optional() }).strict(),
      output: z.unknown(),
    });
  }
  const hub = new EventHub();
  const events: AnyEvent[] = [];
  hub.onAny((event) => events.push(event));
  const config = loadConfig({
    env: {},
    overrides: { queue: { backoffBaseMs: 1000, backoffMaxMs: 60_000, ...queueOverrides } },
  });
  const queue = new TaskQueue(store, catalog, hub, config.queue, clock, () => 0.5);
  return { queue, clock, events, close };
}

export const allSkills = (max = 100) => new Map(SKILLS.map((s) => [s, max] as [string, number]));

export function leaseOf(task: Task, workerId = task.leaseOwner ?? 'w'): Lease {
  return { taskId: task.id, attempt: task.attempt, workerId };
}
