import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import type { PlanTemplate } from '../../src/orchestrator/plan.js';
import { CLI_TEST_TIMEOUT } from '../support/cli.js';
import { runCli } from '../support/cli-in-process.js';
import { testSystem, until } from '../support/system.js';

/** Writes a small HTML report, so a finished mission has one to point at. */
const reporter = defineAgent({
  name: 'reporter',
  role: 'test',
  description: 'Writes a report.',
  skills: [
    defineSkill({
      name: 'test.report',
      description: 'Writes report.html.',
      input: z.object({ text: z.string() }),
      output: z.object({ ok: z.boolean() }),
      handler: async ({ text }, ctx) => {
        await ctx.writeArtifact('report.html', `<p>${text}</p>`);
        return { ok: true };
      },
    }),
  ],
});
const template: PlanTemplate = {
  name: 'report',
  description: 'Report on the goal.',
  example: 'report x',
  matches: (goal) => goal.startsWith('report'),
  plan: (goal) => ({
    template: 'report',
    steps: [{ key: 'write', skill: 'test.report', input: { text: goal } }],
  }),
};

let home: string;
let done: string;
let waiting: string;

beforeAll(async () => {
  const system = await testSystem({ agents: [reporter], templates: [template] });
  home = system.home;
  done = (await system.missions.create('report on batteries')).id;
  const node = system.createNode();
  await node.start();
  await until(async () => (await system.missions.get(done)).status === 'succeeded', 120_000, 'the mission');
  await node.stop();
  // Left running: no node will claim its task.
  waiting = (await system.missions.create('report on later things')).id;
  await system.close();
}, CLI_TEST_TIMEOUT);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('magnatronic missions', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('list shows every mission, newest first, filtered by status', async () => {
    const all = JSON.parse((await runCli(home, 'missions', 'list', '--json')).stdout);
    expect(all.map((m: { id: string }) => m.id)).toEqual([waiting, done]);
    const running = JSON.parse(
      (await runCli(home, 'missions', 'list', '--status', 'running', '--json')).stdout,
    );
    expect(running.map((m: { id: string }) => m.id)).toEqual([waiting]);
    const human = await runCli(home, 'missions', 'list');
    expect(human.stdout).toContain(`${done}  succeeded`);
    const bad = await runCli(home, 'missions', 'list', '--status', 'sleeping');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error INVALID_ARGUMENT: --status must be one of');
  });

  it('show prints the goal, progress and each task', async () => {
    const shown = JSON.parse((await runCli(home, 'missions', 'show', done, '--json')).stdout);
    expect(shown).toMatchObject({ id: done, status: 'succeeded', progress: { total: 1, finished: 1 } });
    const human = (await runCli(home, 'missions', 'show', done)).stdout;
    expect(human).toContain(`mission ${done} succeeded: report on batteries`);
    expect(human).toMatch(/write\s+test\.report\s+succeeded attempt 1/);
    const missing = await runCli(home, 'missions', 'show', 'mission_nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('error NOT_FOUND:');
  });

  it('report names the report file to open', async () => {
    const report = JSON.parse((await runCli(home, 'missions', 'report', done, '--json')).stdout);
    expect(report.report.html).toMatch(new RegExp(`${done}/report\\.html$`));
    expect(report.report.markdown).toBeNull();
    const human = (await runCli(home, 'missions', 'report', done)).stdout;
    expect(human.trim().split('\n').at(-1)).toBe(
      `open the report in a browser: file://${report.report.html}`,
    );
  });

  it('cancel stops a running mission and its tasks, and refuses a finished one', async () => {
    const cancelled = JSON.parse((await runCli(home, 'missions', 'cancel', waiting, '--json')).stdout);
    expect(cancelled).toMatchObject({ id: waiting, status: 'cancelled' });
    expect(cancelled.tasks.every((t: { state: string }) => t.state === 'cancelled')).toBe(true);
    const again = await runCli(home, 'missions', 'cancel', done);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('has already succeeded');
    const audit = JSON.parse((await runCli(home, 'audit', 'list', '--json')).stdout);
    expect(audit.records).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'missions.cancel', target: waiting })]),
    );
  });
});
