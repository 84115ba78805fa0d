import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { openSystem } from '../../src/runtime/system.js';
import { CLI_TEST_TIMEOUT } from '../support/cli.js';
import { runCli } from '../support/cli-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'magna-usage-'));
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('CLI usage', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('reports usage errors as `error INVALID_ARGUMENT:` with exit status 2', async () => {
    const unknown = await runCli(home, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error INVALID_ARGUMENT: unknown command 'frobnicate'");
    const missing = await runCli(home, 'tasks', 'show');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error INVALID_ARGUMENT: missing required argument 'id'");
  });

  it('refuses out-of-range numbers instead of passing them on', async () => {
    const system = await openSystem({ overrides: { home, log: { level: 'silent' } } });
    await system.close();
    for (const limit of ['-5', '0', '2.5', 'ten', '']) {
      const result = await runCli(home, 'tasks', 'list', '--limit', limit);
      expect(result.code, limit).toBe(2);
      expect(result.stderr, limit).toContain(
        'error INVALID_ARGUMENT: --limit must be an integer of at least 1',
      );
    }
    expect((await runCli(home, 'tasks', 'list', '--limit', '3')).code).toBe(0);
  });

  it('says NOT_FOUND for a backup that does not exist', async () => {
    const result = await runCli(home, 'restore', join(dir, 'nope.magnabak'));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error NOT_FOUND: No backup at');
  });

  it('states each default once in help', () => {
    const doubled = allCommands(buildProgram()).flatMap((command) =>
      command
        .helpInformation()
        .split('\n')
        .filter((line) => /\(default\b.*\(default\b/.test(line))
        .map((line) => `${command.name()}: ${line.trim()}`),
    );
    expect(doubled).toEqual([]);
  });

  it('counts in words that agree with the number', async () => {
    writeFileSync(join(dir, 'one.txt'), 'Acme Corp has 4,500 employees.');
    const one = await runCli(home, 'kb', 'ingest', join(dir, 'one.txt'));
    expect(one.stdout).toMatch(/^1 document into default:/);
  });
});
