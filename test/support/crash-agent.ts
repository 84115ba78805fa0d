import { appendFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { type AgentDefinition, defineAgent, defineSkill } from '../../src/agents/sdk.js';

/** Tasks below this number finish at once; the others hold until the test opens the gate. */
export const QUICK_TASKS = 4;

/** The file whose existence lets held attempts finish: `<effects file>.go`. */
export const gateFile = (effectsFile: string) => `${effectsFile}.go`;

/** The outbox key of one attempt of task n: a second attempt that took effect would add a row. */
export const effectKey = (n: number, attempt: number) => `crash:${n}:attempt-${attempt}`;

/** Resolves once `path` exists (checked every 20 ms); rejects when the attempt is aborted. */
function gateOpen(path: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (signal.aborted) return reject(signal.reason);
      if (existsSync(path)) return resolve();
      setTimeout(check, 20);
    };
    check();
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
    description:
      'Appends a line, waits for the gate (tasks past the first few), then records an outbox effect.',
    input: z.object({ n: z.number().int() }),
    output: z.object({ n: z.number().int() }),
    async handler({ n }, ctx) {
      appendFileSync(effectsFile, `${n} ${ctx.task.attempt} ${process.pid} ${Date.now()}\n`);
      // Held attempts are mid-work for as long as the test needs, whatever the machine's load.
      if (n >= QUICK_TASKS) await gateOpen(gateFile(effectsFile), ctx.signal);
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
