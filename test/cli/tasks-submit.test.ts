import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSystem } from '../../src/runtime/system.js';
import { CLI_TEST_TIMEOUT } from '../support/cli.js';
import { runCli } from '../support/cli-in-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A temporary folder with a home in it (tasks submit queues only into an existing home). */
async function workdir(): Promise<{ dir: string; home: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'magna-submit-'));
  dirs.push(dir);
  const home = join(dir, 'home');
  const system = await openSystem({ overrides: { home, log: { level: 'silent' } } });
  await system.close();
  return { dir, home };
}

const line = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    skill: 'knowledge.query',
    input: { query: `q ${n}` },
    idempotencyKey: `q-${n}`,
    ...extra,
  });

describe('magnatronic tasks submit', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('queues one task with its input and priority', async () => {
    const { home } = await workdir();
    const result = await runCli(
      home,
      'tasks',
      'submit',
      'knowledge.query',
      '--input',
      '{"query":"battery prices"}',
      '--priority',
      '7',
      '--tag',
      'cli',
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const task = JSON.parse(result.stdout);
    expect(task).toMatchObject({
      skill: 'knowledge.query',
      state: 'queued',
      priority: 7,
      input: { query: 'battery prices' },
      tags: ['cli'],
    });
    const listed = JSON.parse((await runCli(home, 'tasks', 'list', '--json')).stdout);
    expect(listed.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const human = await runCli(home, 'tasks', 'submit', 'knowledge.query', '--input', '{"query":"x"}');
    expect(human.stdout).toMatch(/^queued task task_\S+ \(knowledge\.query, priority 5\)\n$/);
  });

  it('refuses bad input with a coded error and queues nothing', async () => {
    const { home } = await workdir();
    const cases: Array<[string[], string]> = [
      [['knowledge.query', '--input', '{not json'], 'INVALID_ARGUMENT'],
      [['knowledge.query', '--input', '{"query": 5}'], 'QUEUE_INVALID_INPUT'],
      [['no.such.skill'], 'QUEUE_UNKNOWN_SKILL'],
      [['knowledge.query', '--input', '{"query":"x"}', '--priority', '12'], 'INVALID_ARGUMENT'],
      [['knowledge.query', '--file', 'x.jsonl'], 'INVALID_ARGUMENT'],
      [[], 'INVALID_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const result = await runCli(home, 'tasks', 'submit', ...args);
      expect(result.stderr, args.join(' ')).toContain(`error ${code}:`);
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect(JSON.parse((await runCli(home, 'tasks', 'list', '--json')).stdout)).toEqual([]);
  });

  it('streams thousands of tasks from a JSON Lines file; a rerun with the same keys adds none', async () => {
    const { dir, home } = await workdir();
    const file = join(dir, 'tasks.jsonl');
    const count = 5000;
    writeFileSync(file, `${Array.from({ length: count }, (_, n) => line(n)).join('\n')}\n\n`);
    const first = await runCli(home, 'tasks', 'submit', '--file', file, '--json');
    expect(first.stderr).toBe('');
    const summary = JSON.parse(first.stdout);
    expect(summary.submitted).toBe(count);
    expect(new Set(summary.ids).size).toBe(count);
    const again = JSON.parse((await runCli(home, 'tasks', 'submit', '--file', file, '--json')).stdout);
    expect(again.ids).toEqual(summary.ids);
    const status = JSON.parse((await runCli(home, 'status', '--json')).stdout);
    expect(status.tasks.byState).toEqual({ queued: count });
    const human = await runCli(home, 'tasks', 'submit', '--file', file);
    expect(human.stdout).toMatch(/^queued 5000 tasks from .* in [\d.]+ s \(\d+ tasks\/s written\)\n$/);
  });

  it('checks every line before writing any: one bad line queues nothing and is named', async () => {
    const { dir, home } = await workdir();
    const lines = Array.from({ length: 2500 }, (_, n) => line(n));
    lines[2100] = line(2100, { input: { query: 42 } });
    const badInput = join(dir, 'bad-input.jsonl');
    writeFileSync(badInput, lines.join('\n'));
    const refused = await runCli(home, 'tasks', 'submit', '--file', badInput);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error QUEUE_INVALID_INPUT: line 2101 of ${badInput}:`);
    lines[2100] = '{"skill": "knowledge.query",';
    const badJson = join(dir, 'bad-json.jsonl');
    writeFileSync(badJson, lines.join('\n'));
    expect((await runCli(home, 'tasks', 'submit', '--file', badJson)).stderr).toContain(
      `error INVALID_ARGUMENT: line 2101 of ${badJson} is not valid JSON`,
    );
    lines[2100] = JSON.stringify({ skill: 'knowledge.query', colour: 'blue' });
    writeFileSync(badJson, lines.join('\n'));
    expect((await runCli(home, 'tasks', 'submit', '--file', badJson)).stderr).toContain(
      `line 2101 of ${badJson} is not a task`,
    );
    const missing = await runCli(home, 'tasks', 'submit', '--file', join(dir, 'nope.jsonl'));
    expect(missing.stderr).toContain('error NOT_FOUND:');
    // A mistyped --home is refused rather than given a new, empty store.
    const noHome = await runCli(join(dir, 'not-a-home'), 'tasks', 'submit', '--file', badInput);
    expect(noHome.stderr).toContain('error HOME_NOT_FOUND:');
    expect(JSON.parse((await runCli(home, 'tasks', 'list', '--json')).stdout)).toEqual([]);
  });
});
