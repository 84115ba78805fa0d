import { defineAgent } from '../sdk.js';
import { answerSkill, ingestSkill, maintainSkill, querySkill } from './skills.js';

/**
 * The Knowledge agent keeps the shared knowledge base: it ingests what other agents collect
 * (documents or a research corpus file from an upstream step), answers queries and questions,
 * and runs maintenance on demand or on a schedule.
 */
export const knowledgeAgent = defineAgent({
  name: 'knowledge',
  role: 'knowledge',
  description: 'Keeps the shared knowledge base: ingest, search, answer with citations, maintain.',
  concurrency: 2,
  skills: [ingestSkill, querySkill, answerSkill, maintainSkill],
});
