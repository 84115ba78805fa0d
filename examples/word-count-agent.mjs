// A custom agent in a few lines: counts the words, lines and characters of a text file.
// Run it:  npx magnatronic run "count words in README.md" --agents examples/word-count-agent.mjs
import { readFile } from 'node:fs/promises';
import { defineAgent, defineSkill } from 'magnatronic';
import { z } from 'zod';

const count = defineSkill({
  name: 'wordcount.count',
  description: 'Counts words, lines and characters of a UTF-8 text file.',
  input: z.object({ path: z.string().min(1) }),
  output: z.object({ path: z.string(), words: z.number(), lines: z.number(), characters: z.number() }),
  async handler({ path }, ctx) {
    const text = await readFile(path, { encoding: 'utf8', signal: ctx.signal });
    await ctx.progress(0.5, `read ${text.length} characters`);
    const words = text.split(/\s+/).filter(Boolean).length;
    const lines = text === '' ? 0 : text.split('\n').length;
    await ctx.writeArtifact('count.json', JSON.stringify({ path, words, lines }, null, 2));
    return { path, words, lines, characters: [...text].length };
  },
});

export const agent = defineAgent({
  name: 'wordcount',
  role: 'example',
  description: 'Counts words in files.',
  skills: [count],
});

// Lets `run` turn "count words in <path>" into a one-step plan.
export const template = {
  name: 'wordcount',
  description: 'Count the words of a file.',
  example: 'count words in README.md',
  matches: (goal) => /^count words in \S+/i.test(goal),
  plan: (goal) => {
    const path = goal.replace(/^count words in /i, '').trim();
    return { template: 'wordcount', steps: [{ key: 'count', skill: 'wordcount.count', input: { path } }] };
  },
};
