import { defineAgent } from '../sdk.js';
import { contentSkill } from './content.js';
import { cardSkill, chartsSkill, imageSkill } from './design.js';
import { ideasSkill } from './ideas.js';

/**
 * The Creative agent: content grounded in cited knowledge, offline by default; a configured model
 * only drafts prose, under the same citation check.
 */
export const creativeAgent = defineAgent({
  name: 'creative',
  role: 'creative',
  description:
    'Writes cited content from the knowledge base and research findings, assists with design and generates ranked ideas.',
  concurrency: 2,
  skills: [contentSkill, imageSkill, cardSkill, chartsSkill, ideasSkill],
});

export { cardSkill, chartsSkill, contentSkill, ideasSkill, imageSkill };
