/**
 * A plan is a DAG of steps. Each step becomes one task; `dependsOn` names earlier steps by key,
 * and a step's handler receives the outputs of the steps it depends on (SkillContext.upstream).
 */
export interface PlanStep {
  key: string;
  skill: string;
  input: unknown;
  dependsOn?: string[];
  priority?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

export interface Plan {
  template: string;
  steps: PlanStep[];
}

export interface MissionOptions {
  /** URLs or local paths to research, where the template uses sources. */
  sources?: string[];
  /** Knowledge-base namespace the mission reads and writes. */
  namespace?: string;
  /** Free-form options for templates. */
  [key: string]: unknown;
}

/** Turns a goal into a plan. Templates are tried in order; the first that matches plans. */
export interface PlanTemplate {
  name: string;
  description: string;
  /** Example goal shown in `--help`. */
  example: string;
  matches(goal: string): boolean;
  plan(goal: string, options: MissionOptions): Plan;
}
