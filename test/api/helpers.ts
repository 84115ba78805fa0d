import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import { buildApiServer } from '../../src/api/server.js';
import type { ConfigInput } from '../../src/core/config.js';
import { SYSTEM_PRINCIPAL, SYSTEM_ROLES, type SystemRole } from '../../src/core/principal.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { PlanTemplate } from '../../src/orchestrator/plan.js';
import { openSystem, type System } from '../../src/runtime/system.js';

/** A skill that echoes its input and writes one artifact, so missions have results and files. */
export const echoAgent = defineAgent({
  name: 'echoer',
  role: 'test',
  description: 'Echoes its input.',
  skills: [
    defineSkill({
      name: 'test.echo',
      description: 'Echo the text back.',
      input: z.object({ text: z.string() }),
      output: z.object({ echoed: z.string() }),
      handler: async (input, ctx) => {
        await ctx.writeArtifact('echo.txt', `echo: ${input.text}`);
        return { echoed: input.text };
      },
    }),
  ],
});

export const echoTemplate: PlanTemplate = {
  name: 'echo',
  description: 'Echo the goal.',
  example: 'echo hello',
  matches: (goal) => goal.startsWith('echo'),
  plan: (goal) => ({ template: 'echo', steps: [{ key: 'say', skill: 'test.echo', input: { text: goal } }] }),
};

export interface TestApi {
  system: System;
  app: FastifyInstance;
  home: string;
  /** One API key per role. */
  keys: Record<SystemRole, string>;
  auth(role: SystemRole): { authorization: string };
  close(): Promise<void>;
}

/** A system in a temp home with the echo agent and template, an API on it, and a key per role. */
export async function openTestApi(
  overrides: ConfigInput = {},
  options: { home?: string } = {},
): Promise<TestApi> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'magna-api-'));
  const system = await openSystem({
    overrides: {
      home,
      log: { level: 'silent' },
      ...overrides,
      server: { rateLimitPerMinute: 1_000_000, ...overrides.server },
    },
    logger: silentLogger(),
    builtins: false,
    agents: [echoAgent],
    templates: [echoTemplate],
  });
  const app = await buildApiServer(system);
  const keys = {} as Record<SystemRole, string>;
  for (const role of SYSTEM_ROLES) {
    const made = await system.security.keys.create({ role, name: `test ${role}`, createdBy: 'test' });
    keys[role] = made.key;
    // Knowledge namespaces need grants besides the system role (admins and agents have defaults).
    if (role !== 'admin' && role !== 'agent') {
      await system.knowledge.grant(SYSTEM_PRINCIPAL, {
        principalId: `key:${made.record.id}`,
        namespace: 'test',
        role: 'writer',
      });
    }
  }
  return {
    system,
    app,
    home,
    keys,
    auth: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await app.close();
      await system.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
