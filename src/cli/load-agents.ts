import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentDefinition } from '../agents/sdk.js';
import { MagnaError } from '../core/errors.js';
import type { PlanTemplate } from '../orchestrator/plan.js';

/**
 * Loads custom agents for `--agents <module>`: an ES module whose default export (or `agent` /
 * `agents` export) is an agent definition or a list of them, optionally with `template(s)`.
 */
export async function loadAgentModules(
  paths: string[] = [],
): Promise<{ agents: AgentDefinition[]; templates: PlanTemplate[] }> {
  const agents: AgentDefinition[] = [];
  const templates: PlanTemplate[] = [];
  for (const path of paths) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    } catch (cause) {
      throw new MagnaError(
        'AGENT_INVALID',
        `Cannot load agent module ${path}: ${(cause as Error).message}${packageHint(cause)}`,
        { cause },
      );
    }
    const found = [mod.default, mod.agent, mod.agents].flat().filter(isAgent);
    if (found.length === 0)
      throw new MagnaError('AGENT_INVALID', `Module ${path} exports no agent definition.`);
    agents.push(...found);
    templates.push(...[mod.template, mod.templates].flat().filter(isTemplate));
  }
  return { agents, templates };
}

function isAgent(value: unknown): value is AgentDefinition {
  return typeof value === 'object' && value !== null && 'skills' in value && 'name' in value;
}

function isTemplate(value: unknown): value is PlanTemplate {
  return typeof value === 'object' && value !== null && 'matches' in value && 'plan' in value;
}

/**
 * An agent module outside this package imports `magnatronic` from its own folder, where Node looks
 * for node_modules/magnatronic: say how to put it there.
 */
function packageHint(cause: unknown): string {
  const error = cause as NodeJS.ErrnoException;
  if (error.code !== 'ERR_MODULE_NOT_FOUND' || !/'magnatronic'/.test(error.message)) return '';
  return ' (the module imports "magnatronic", which Node resolves from the module\'s own folder: run `npm i magnatronic` there, or `npm link magnatronic` after `npm link` in a Magnatronic checkout)';
}
