import type { z } from 'zod';
import { MagnaError } from '../core/errors.js';

export interface SkillSchema {
  name: string;
  description: string;
  input: z.ZodType;
  output: z.ZodType;
}

/**
 * The skills the system knows, with their schemas, so a task's input is checked when it is
 * enqueued — not minutes later on a worker — whichever process enqueues it.
 */
export class SkillCatalog {
  private readonly skills = new Map<string, SkillSchema>();

  register(skill: SkillSchema): void {
    const existing = this.skills.get(skill.name);
    if (existing && existing !== skill && existing.input !== skill.input) {
      throw new MagnaError(
        'AGENT_INVALID',
        `Skill ${skill.name} is registered twice with different schemas.`,
      );
    }
    this.skills.set(skill.name, skill);
  }

  get(name: string): SkillSchema | undefined {
    return this.skills.get(name);
  }

  require(name: string): SkillSchema {
    const skill = this.skills.get(name);
    if (!skill) {
      throw new MagnaError(
        'QUEUE_UNKNOWN_SKILL',
        `Unknown skill "${name}". Known skills: ${this.names().join(', ') || 'none'}.`,
        {
          details: { skill: name },
        },
      );
    }
    return skill;
  }

  names(): string[] {
    return [...this.skills.keys()].sort();
  }

  list(): SkillSchema[] {
    return this.names().map((name) => this.skills.get(name)!);
  }
}
