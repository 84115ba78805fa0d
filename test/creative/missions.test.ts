import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Planner } from '../../src/orchestrator/planner.js';
import { creativeTemplate } from '../../src/orchestrator/templates/creative.js';
import { researchTemplate } from '../../src/orchestrator/templates/research.js';
import { type SampleSite, startSampleSite } from '../../src/research/sample-site.js';
import { CLI_TEST_TIMEOUT, cli, REPO_ROOT } from '../support/cli.js';
import { scenePng, truncatedPng } from './images.js';

const planner = new Planner([researchTemplate, creativeTemplate]);
const steps = (goal: string, options = {}) =>
  planner.plan(goal, options).steps.map((s) => `${s.key}:${s.skill}`);

describe('the creative template', () => {
  it('plans briefs from sources or the knowledge base, ideas, cards, and a creative end to research', () => {
    expect(steps('brief home batteries', { sources: ['https://example.org/'] })).toEqual([
      'collect:research.collect',
      'analyze:research.analyze',
      'knowledge:knowledge.ingest',
      'content:creative.content',
      'card:creative.card',
    ]);
    const fromKb = planner.plan('faq about home batteries', { namespace: 'acme/market' });
    expect(fromKb.steps.map((s) => s.skill)).toEqual(['creative.content', 'creative.card']);
    expect(fromKb.steps[0]!.input).toEqual({
      format: 'faq',
      topic: 'home batteries',
      namespaces: ['acme/market'],
    });
    expect(steps('ideas reaching installers', { namespace: 'acme/market' })).toEqual([
      'ideas:creative.ideas',
    ]);
    expect(planner.plan('card Battery storage', { image: '/tmp/p.png' }).steps[0]!.input).toEqual({
      title: 'Battery storage',
      imagePath: '/tmp/p.png',
    });
    expect(
      steps('research home batteries', { sources: ['https://example.org/'], creative: 'social posts' }),
    ).toEqual([
      'collect:research.collect',
      'analyze:research.analyze',
      'knowledge:knowledge.ingest',
      'report:research.report',
      'content:creative.content',
      'card:creative.card',
    ]);
    expect(() => planner.plan('research x', { sources: ['a'], creative: 'sonnet' })).toThrow(
      expect.objectContaining({ code: 'MISSION_PLAN_INVALID' }),
    );
  });
});

/** `cli` without blocking this process, which serves the sample site the mission crawls. */
function cliAsync(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const loader = (file: string) => pathToFileURL(resolve(REPO_ROOT, file)).href;
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [
        '--import',
        loader('node_modules/tsx/dist/loader.mjs'),
        '--import',
        loader('test/support/register-source.mjs'),
        resolve(REPO_ROOT, 'test/support/cli-entry.ts'),
        ...args,
      ],
      {
        cwd: options.cwd,
        env: { ...process.env, MAGNA_LOG_LEVEL: 'silent', ...options.env },
        timeout: 300_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('creative missions from the CLI', () => {
  let site: SampleSite;
  beforeAll(async () => {
    site = await startSampleSite();
  });
  afterAll(() => site.close());

  it(
    'brief → artifacts with manifests, listed and downloaded; ideas; a card over an image; a bad image stores nothing',
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'magna-creative-cli-'));
      const env = { MAGNA_RESEARCH_HOST_DELAY_MS: '0' };
      const brief = await cliAsync(
        ['run', 'brief home battery storage', '--sources', site.url, '--namespace', 'acme/market', '--json'],
        {
          cwd,
          env,
        },
      );
      expect(brief.code, brief.stderr).toBe(0);
      const summary = JSON.parse(brief.stdout) as {
        missionId: string;
        status: string;
        results: Record<string, Record<string, unknown>>;
      };
      expect(summary.status).toBe('succeeded');
      expect(summary.results.content).toMatchObject({ format: 'brief' });
      expect(summary.results.content!.sentences).toBeGreaterThan(2);
      if (process.env.SHOW_BRIEF)
        console.log(
          readFileSync(String(summary.results.content!.markdownPath), 'utf8'),
          JSON.stringify(summary.results),
        );
      expect(summary.results.card).toMatchObject({ width: 1200, height: 630 });

      const listed = cli(['artifacts', summary.missionId, '--json'], { cwd });
      expect(listed.code, listed.stderr).toBe(0);
      const artifacts = (
        JSON.parse(listed.stdout) as { artifacts: Array<{ name: string; kind?: string; sha256?: string }> }
      ).artifacts;
      const byName = new Map(artifacts.map((a) => [a.name, a]));
      expect(byName.get('brief.md')?.kind).toBe('creative.brief');
      expect(byName.get('card.png')?.kind).toBe('creative.card');
      const out = join(cwd, 'card.png');
      expect(cli(['artifacts', summary.missionId, 'card.png', '--out', out], { cwd }).code).toBe(0);
      expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(
        byName.get('card.png')?.sha256,
      );
      const meta = await sharp(out).metadata();
      expect([meta.width, meta.height]).toEqual([1200, 630]);

      const ideas = cli(['run', 'ideas reaching more home owners', '--namespace', 'acme/market', '--json'], {
        cwd,
      });
      expect(ideas.code, ideas.stderr).toBe(0);
      expect(
        (JSON.parse(ideas.stdout) as { results: { ideas: { top: unknown[] } } }).results.ideas.top.length,
      ).toBeGreaterThan(0);

      const photo = join(cwd, 'photo.png');
      writeFileSync(photo, await scenePng());
      const card = cli(['run', 'card Storage in numbers', '--image', 'photo.png', '--json'], { cwd });
      expect(card.code, card.stderr).toBe(0);

      const broken = join(cwd, 'broken.png');
      writeFileSync(broken, await truncatedPng());
      const bad = cli(['run', 'card Broken', '--image', broken, '--json'], {
        cwd,
        env: { MAGNA_QUEUE_MAX_ATTEMPTS: '1' },
      });
      expect(bad.code).not.toBe(0);
      const failed = JSON.parse(bad.stdout) as {
        missionId: string;
        tasks: Array<{ error: { code?: string } | null }>;
      };
      expect(failed.tasks[0]!.error?.code).toBe('IMAGE_INVALID');
      const folder = join(cwd, '.magnatronic', 'artifacts', failed.missionId);
      expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    },
    CLI_TEST_TIMEOUT,
  );
});
