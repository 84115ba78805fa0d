import { z } from 'zod';
import { type AgentDefinition, defineAgent, defineSkill } from '../../src/agents/sdk.js';

/** The outbox key of task n: one per task, whatever attempt settles it. */
export const contentionKey = (n: number) => `contend:${n}`;

/** A no-op agent with one outbox effect per task: the contention test counts effects and attempts. */
export function contentionAgent(): AgentDefinition {
  const work = defineSkill({
    name: 'contend.work',
    description: 'Records one outbox effect.',
    input: z.object({ n: z.number().int() }),
    output: z.object({ n: z.number().int() }),
    async handler({ n }, ctx) {
      ctx.effect('contend.done', contentionKey(n), { n, attempt: ctx.task.attempt });
      return { n };
    },
  });
  return defineAgent({
    name: 'contend',
    role: 'worker',
    description: 'contention test agent',
    concurrency: 16,
    skills: [work],
  });
}

/** Long leases: contention must cost no attempt, so nothing may expire while a store is busy. */
export const contentionQueueOptions = { leaseMs: 30_000, heartbeatMs: 2_000, pollMs: 20 };
