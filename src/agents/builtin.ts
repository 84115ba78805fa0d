import type { PlanTemplate } from '../orchestrator/plan.js';
import type { AgentDefinition } from './sdk.js';

/** The agents every node hosts unless told otherwise. */
export function builtinAgents(): AgentDefinition[] {
  return [];
}

/** The planner's built-in templates, tried in order. */
export function builtinTemplates(): PlanTemplate[] {
  return [];
}
