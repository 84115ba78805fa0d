import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';

/** An agent whose task holds until the file named in its input exists: work in flight on demand. */
export default defineAgent({
  name: 'gated',
  role: 'tester',
  description: 'waits for a file, then succeeds',
  concurrency: 1,
  skills: [
    defineSkill({
      name: 'gated.wait',
      description: 'waits until input.file exists',
      input: z.object({ file: z.string() }),
      output: z.object({ waited: z.boolean() }),
      handler: ({ file }, ctx) =>
        new Promise((resolve, reject) => {
          const check = () => {
            if (ctx.signal.aborted) return reject(ctx.signal.reason);
            if (existsSync(file)) return resolve({ waited: true });
            setTimeout(check, 20);
          };
          check();
        }),
    }),
  ],
});
