import type { PlanTemplate } from '../orchestrator/plan.js';
import { creativeTemplate } from '../orchestrator/templates/creative.js';
import { researchTemplate } from '../orchestrator/templates/research.js';
import { creativeAgent } from './creative/index.js';
import { knowledgeAgent } from './knowledge/index.js';
import { researchAgent } from './research/index.js';
import type { AgentDefinition } from './sdk.js';

/** The agents every node hosts unless told otherwise. */
export function builtinAgents(): AgentDefinition[] {
  return [researchAgent, knowledgeAgent, creativeAgent];
}

/** The planner's built-in templates, tried in order. */
export function builtinTemplates(): PlanTemplate[] {
  return [researchTemplate, creativeTemplate];
}
