import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { openSystem } from '../../src/runtime/system.js';
import { CLI_TEST_TIMEOUT } from '../support/cli.js';
import { runCli } from '../support/cli-in-process.js';
import { type DocCommand, docFiles, extractCommands, type Resolved, resolveCommand } from './doc-commands.js';

const ROOT = resolve(import.meta.dirname, '../..');
const commands = docFiles(ROOT).flatMap((file) => extractCommands(file, ROOT));

/** Commands that serve until stopped, fetch from the network, or replace the home. */
const LONG_RUNNING = new Set(['start', 'server', 'worker', 'demo', 'run', 'restore']);

/** Commands whose documented use follows a setup step the test does not make. */
const NEEDS_SETUP = new Set(['keys rotate-encryption']); // an encryption key configured first

/**
 * Run for real unless the line is a synopsis (placeholders), a mention without its arguments, or
 * a command that cannot end by itself.
 */
function runnable(command: DocCommand, resolved: Resolved): boolean {
  const synopsis = command.words.some((w) => /[<[|]|\.\.\.|…|\$\(|^https?:/.test(w));
  const mention = resolved.positionals.length < resolved.required;
  return (
    !synopsis &&
    !mention &&
    !LONG_RUNNING.has(resolved.path[0] ?? '') &&
    !NEEDS_SETUP.has(resolved.path.join(' '))
  );
}

let work: string;
let home: string;
const cwd = process.cwd();
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'magna-doc-commands-'));
  home = join(work, 'home');
  // The files the documented commands name, relative to where they are run.
  writeFileSync(
    join(work, 'tasks.jsonl'),
    `${JSON.stringify({ skill: 'knowledge.query', input: { query: 'battery prices' } })}\n`,
  );
  const system = await openSystem({ overrides: { home, log: { level: 'silent' } } });
  await system.close();
  process.chdir(work);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

describe('commands in README.md and docs/', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('are found: the extraction itself works', () => {
    expect(commands.length).toBeGreaterThan(30);
    const where = new Set(commands.map((c) => c.where.split(':')[0]));
    expect(where).toContain('README.md');
    expect(where).toContain('docs/operations.md');
  });

  it('name only commands and options that exist', () => {
    const program = buildProgram();
    const problems = commands.flatMap((c) =>
      resolveCommand(program, c.words).problems.map((p) => `${c.where}: ${c.text}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('would fail if a command or an option were renamed', () => {
    const program = buildProgram();
    const doc =
      '```sh\nmagnatronic taks list\nmagnatronic tasks list --stat dead\n```\n`magnatronic kb serch x`';
    const found = extractCommands(join(ROOT, 'fake.md'), ROOT, doc).map(
      (c) => resolveCommand(program, c.words).problems,
    );
    expect(found).toEqual([
      ['unknown command "taks"'],
      ['unknown option --stat for "tasks list"'],
      ['unknown command "kb serch"'],
    ]);
  });

  it('run against a temporary home (synopses and long-running commands answer --help)', async () => {
    const program = buildProgram();
    const failures: string[] = [];
    let ran = 0;
    for (const command of commands) {
      const resolved = resolveCommand(program, command.words);
      if (resolved.problems.length > 0) continue; // reported by the test above
      const args = runnable(command, resolved) ? command.words : [...resolved.path, '--help'];
      if (args.at(-1) !== '--help') ran++;
      const result = await runCli(home, ...args);
      if (result.code !== 0)
        failures.push(
          `${command.where}: magnatronic ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`,
        );
    }
    expect(failures).toEqual([]);
    // Most of the tour runs for real, not only its help.
    expect(ran).toBeGreaterThan(10);
  });
});
