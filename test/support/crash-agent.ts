import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { type AgentDefinition, defineAgent, defineSkill } from '../../src/agents/sdk.js';

/** How long each attempt works between its two side effects. */
export const WORK_MS = 200;

/** The outbox key of one attempt of task n: a second attempt that took effect would add a row. */
export const effectKey = (n: number, attempt: number) => `crash:${n}:attempt-${attempt}`;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/**
 * An agent whose handler has two side effects: a line appended to a file the moment an attempt
 * starts (not transactional: it happens whatever becomes of the attempt) and an outbox effect
 * (ctx.effect: written in the transaction that completes the attempt, or not at all).
 */
export function crashAgent(effectsFile: string): AgentDefinition {
  const work = defineSkill({
    name: 'crash.work',
    description: 'Appends a line, works a while, then records an outbox effect.',
    input: z.object({ n: z.number().int() }),
    output: z.object({ n: z.number().int() }),
    async handler({ n }, ctx) {
      appendFileSync(effectsFile, `${n} ${ctx.task.attempt} ${process.pid} ${Date.now()}\n`);
      await pause(WORK_MS, ctx.signal);
      ctx.effect('crash.done', effectKey(n, ctx.task.attempt), {
        n,
        attempt: ctx.task.attempt,
        pid: process.pid,
      });
      return { n };
    },
  });
  return defineAgent({
    name: 'crash',
    role: 'worker',
    description: 'crash test agent',
    concurrency: 4,
    skills: [work],
  });
}

/** Short leases so that a killed node's tasks come back within about a second. */
export const crashQueueOptions = {
  leaseMs: 1000,
  heartbeatMs: 300,
  pollMs: 20,
  backoffBaseMs: 50,
  backoffMaxMs: 200,
};
