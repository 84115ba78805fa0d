import { MagnaError } from '../core/errors.js';
import type { MissionOptions, Plan, PlanTemplate } from './plan.js';

/**
 * The built-in planner: template based. Templates are tried in order and the first whose
 * `matches` accepts the goal makes the plan; the plan is then checked to be a valid DAG.
 */
export class Planner {
  constructor(private readonly templates: PlanTemplate[]) {}

  list(): PlanTemplate[] {
    return [...this.templates];
  }

  plan(goal: string, options: MissionOptions = {}): Plan {
    const trimmed = goal.trim();
    if (trimmed.length === 0) throw new MagnaError('INVALID_ARGUMENT', 'A mission needs a goal.');
    const template = this.templates.find((t) => t.matches(trimmed));
    if (!template) {
      const examples = this.templates.map((t) => `"${t.example}"`).join(', ');
      throw new MagnaError(
        'MISSION_NO_PLANNER',
        `No mission template matches "${trimmed}". Try one of: ${examples}.`,
        {
          details: { goal: trimmed, templates: this.templates.map((t) => t.name) },
        },
      );
    }
    const plan = template.plan(trimmed, options);
    validatePlan(plan);
    return plan;
  }
}

/** A plan is valid when step keys are unique and every dependency names an earlier step. */
export function validatePlan(plan: Plan): void {
  const seen = new Set<string>();
  if (plan.steps.length === 0)
    throw new MagnaError('MISSION_PLAN_INVALID', `Plan ${plan.template} has no steps.`);
  for (const step of plan.steps) {
    if (!/^[\w.-]{1,64}$/.test(step.key)) {
      throw new MagnaError(
        'MISSION_PLAN_INVALID',
        `Step key "${step.key}" must be 1-64 letters, digits, _ . or -.`,
      );
    }
    if (seen.has(step.key))
      throw new MagnaError('MISSION_PLAN_INVALID', `Step key ${step.key} appears twice.`);
    for (const dep of step.dependsOn ?? []) {
      if (!seen.has(dep)) {
        throw new MagnaError(
          'MISSION_PLAN_INVALID',
          `Step ${step.key} depends on ${dep}, which is not an earlier step.`,
          {
            details: { step: step.key, dependsOn: dep },
          },
        );
      }
    }
    seen.add(step.key);
  }
}
