import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAgentModules } from '../../src/cli/load-agents.js';

const outside = mkdtempSync(join(tmpdir(), 'magna-outside-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('agent modules', () => {
  it('outside the project, without magnatronic installed, fail with the command that installs it', async () => {
    const module = join(outside, 'agent.mjs');
    writeFileSync(module, "import { defineAgent } from 'magnatronic';\nexport const agent = defineAgent;\n");
    const error = await loadAgentModules([module]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AGENT_INVALID' });
    expect((error as Error).message).toContain("Cannot find package 'magnatronic'");
    expect((error as Error).message).toContain('npm i magnatronic');
  });

  it('that export no agent are refused by name', async () => {
    const module = join(outside, 'empty.mjs');
    writeFileSync(module, 'export const nothing = 1;\n');
    await expect(loadAgentModules([module])).rejects.toMatchObject({
      code: 'AGENT_INVALID',
      message: `Module ${module} exports no agent definition.`,
    });
  });
});
