import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSkill, collectSkill, reportSkill, researchAgent } from '../../src/agents/research/index.js';
import { isMagnaError } from '../../src/core/errors.js';
import { researchTemplate } from '../../src/orchestrator/templates/research.js';
import { type SampleSite, startSampleSite } from '../../src/research/sample-site.js';
import { generateKey } from '../../src/security/encryption.js';
import { skillContext, tempDir } from './support.js';

describe('research skills chained as a mission would run them', () => {
  let site: SampleSite;
  const home = tempDir();
  beforeAll(async () => {
    site = await startSampleSite();
  });
  afterAll(() => site.close());

  it('collect → analyze → report write their artifacts and hand paths downstream', async () => {
    const overrides = { research: { perHostDelayMs: 0 } };
    const collected = (await collectSkill.handler(
      collectSkill.input.parse({
        topic: 'home battery storage market',
        sources: [site.url],
        limits: { maxPages: 30 },
      }),
      skillContext({ home, overrides }),
    )) as { corpusPath: string; collected: number; failed: number };
    expect(collectSkill.output.safeParse(collected).success).toBe(true);
    expect(collected.collected).toBe(12);
    const corpus = JSON.parse(readFileSync(collected.corpusPath, 'utf8'));
    for (const source of corpus.sources) {
      for (const key of ['id', 'url', 'title', 'text', 'fetchedAt', 'contentHash', 'status'])
        expect(source).toHaveProperty(key);
    }

    const analyzed = (await analyzeSkill.handler(
      {},
      skillContext({ home, upstream: { collect: collected } }),
    )) as {
      analysisPath: string;
      series: number;
    };
    expect(analyzeSkill.output.safeParse(analyzed).success).toBe(true);
    expect(analyzed.series).toBeGreaterThanOrEqual(5);
    expect(existsSync(analyzed.analysisPath)).toBe(true);

    // A knowledge step may sit between analyze and report; the report still finds its inputs.
    const reported = (await reportSkill.handler(
      {},
      skillContext({ home, upstream: { analyze: analyzed, knowledge: { documents: 12 } } }),
    )) as { htmlPath: string; markdownPath: string; charts: string[]; dropped: number };
    expect(reportSkill.output.safeParse(reported).success).toBe(true);
    expect(readFileSync(reported.htmlPath, 'utf8')).toContain('<h2 id="findings">Key findings</h2>');
    expect(readFileSync(reported.markdownPath, 'utf8')).toContain(
      '# Research report: home battery storage market',
    );
    expect(reported.charts.length).toBeGreaterThanOrEqual(5);
    for (const chart of reported.charts) expect(existsSync(chart)).toBe(true);
    expect(reported.dropped).toBe(0);
  });

  it('runs the same chain with encryption at rest: every step reads artifacts through the store', async () => {
    const encryptedHome = tempDir();
    const encryptionKey = generateKey();
    const ctx = (upstream: Record<string, unknown> = {}) =>
      skillContext({
        home: encryptedHome,
        encryptionKey,
        upstream,
        overrides: { research: { perHostDelayMs: 0 } },
      });
    const collected = (await collectSkill.handler(
      collectSkill.input.parse({ topic: 'home battery storage market', sources: [site.url] }),
      ctx(),
    )) as { corpusPath: string; collected: number };
    const raw = readFileSync(collected.corpusPath);
    expect(raw.subarray(0, 7).toString('latin1')).toBe('MGNENC1');
    expect(raw.toString('latin1')).not.toContain('battery');
    const analyzed = (await analyzeSkill.handler({}, ctx({ collect: collected }))) as { series: number };
    expect(analyzed.series).toBeGreaterThanOrEqual(5);
    const reported = (await reportSkill.handler({}, ctx({ analyze: analyzed }))) as { claims: number };
    expect(reported.claims).toBeGreaterThan(0);
  });

  it('refuses a collection without sources and an analysis without a corpus', async () => {
    await expect(collectSkill.handler({ topic: 't', sources: [] }, skillContext({ home }))).rejects.toSatisfy(
      (e: unknown) => isMagnaError(e, 'RESEARCH_NO_SOURCES'),
    );
    await expect(analyzeSkill.handler({}, skillContext({ home }))).rejects.toSatisfy((e: unknown) =>
      isMagnaError(e, 'INVALID_ARGUMENT'),
    );
    await expect(
      analyzeSkill.handler({ corpusPath: `${home}/nope.json` }, skillContext({ home })),
    ).rejects.toSatisfy((e: unknown) => isMagnaError(e, 'NOT_FOUND'));
  });

  it('declares the research agent with its three skills', () => {
    expect(researchAgent.name).toBe('research');
    expect(researchAgent.skills.map((s) => s.name)).toEqual([
      'research.collect',
      'research.analyze',
      'research.report',
    ]);
  });
});

describe('the research plan template', () => {
  it('matches research goals and plans collect → (analyze, knowledge) → report', () => {
    expect(researchTemplate.matches('research home batteries')).toBe(true);
    expect(researchTemplate.matches('Research about the battery market')).toBe(true);
    expect(researchTemplate.matches('write a poem')).toBe(false);
    const plan = researchTemplate.plan('research home battery storage', {
      sources: ['http://127.0.0.1:1/', ' ./docs '],
      maxPages: '20',
    });
    expect(plan.steps.map((s) => [s.key, s.skill, s.dependsOn ?? []])).toEqual([
      ['collect', 'research.collect', []],
      ['analyze', 'research.analyze', ['collect']],
      ['knowledge', 'knowledge.ingest', ['collect']],
      ['report', 'research.report', ['analyze', 'knowledge']],
    ]);
    expect(plan.steps[0]!.input).toEqual({
      topic: 'home battery storage',
      sources: ['http://127.0.0.1:1/', './docs'],
      limits: { maxPages: 20 },
    });
    expect(collectSkill.input.safeParse(plan.steps[0]!.input).success).toBe(true);
  });

  it('refuses a research goal without sources', () => {
    expect(() => researchTemplate.plan('research batteries', {})).toThrow(
      expect.objectContaining({ code: 'RESEARCH_NO_SOURCES' }),
    );
  });
});
