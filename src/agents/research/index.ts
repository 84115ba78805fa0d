import { defineAgent } from '../sdk.js';
import { analyzeSkill } from './analyze.js';
import { collectSkill } from './collect.js';
import { reportSkill } from './report.js';

/** The Research agent: collect → analyse → report, each a skill the planner chains. */
export const researchAgent = defineAgent({
  name: 'research',
  role: 'research',
  description:
    'Collects sources from the web and local files, analyses text and data, and writes a cited report.',
  // Collection waits on politeness delays, not the CPU; two missions at once is plenty on 2 cores.
  concurrency: 2,
  skills: [collectSkill, analyzeSkill, reportSkill],
});

export { analyzeSkill, collectSkill, reportSkill };
