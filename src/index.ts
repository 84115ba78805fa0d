/** The public SDK surface of the `magnatronic` package. */

export type {
  AgentDefinition,
  AgentMessaging,
  MessageContext,
  SkillContext,
  SkillDefinition,
} from './agents/sdk.js';
export { defineAgent, defineSkill } from './agents/sdk.js';
export type { AgentServices } from './agents/services.js';
export { type ConfigInput, loadConfig, type MagnaConfig } from './core/config.js';
export { ERROR_CODES, type ErrorCode, isMagnaError, MagnaError } from './core/errors.js';
export type { AnyEvent, EventMap, EventName } from './core/events.js';
export type { MissionOptions, Plan, PlanStep, PlanTemplate } from './orchestrator/plan.js';
export type { Mission, MissionStatus } from './orchestrator/types.js';
export type { Task, TaskSpec, TaskState } from './queue/types.js';
export { type OpenSystemOptions, openSystem, type System } from './runtime/system.js';
