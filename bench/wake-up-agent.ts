import { z } from 'zod';
import { defineAgent, defineSkill } from '../src/agents/sdk.js';

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** Start latencies (ms) recorded by the stamp skill in this process. */
export const started: number[] = [];

/** A skill that records how long ago its task was submitted (input.at) when it starts. */
export const stampAgent = defineAgent({
  name: 'stamper',
  role: 'bench',
  description: 'records submit-to-start latency',
  concurrency: 4,
  skills: [
    defineSkill({
      name: 'bench.stamp',
      description: 'records now - input.at',
      input: z.object({ at: z.number() }),
      output: z.object({ ok: z.boolean() }),
      handler: async ({ at }) => {
        started.push(nowMs() - at);
        return { ok: true };
      },
    }),
  ],
});
