import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { analyzeCorpus } from '../../src/research/analyze/index.js';
import type { Analysis } from '../../src/research/analyze/types.js';
import { collect } from '../../src/research/collect/index.js';
import { buildReport, CitationChecker, type ReportClaim } from '../../src/research/report/index.js';
import { startSampleSite } from '../../src/research/sample-site.js';
import type { Corpus } from '../../src/research/types.js';
import { memoryLogger, testLimits, USER_AGENT } from './support.js';

let corpus: Corpus;
let analysis: Analysis;
const idOf = (suffix: string): string => corpus.sources.find((s) => s.url.endsWith(suffix))!.id;

beforeAll(async () => {
  const site = await startSampleSite();
  try {
    corpus = await collect({
      topic: 'home battery storage market',
      sources: [site.url],
      limits: testLimits(),
      userAgent: USER_AGENT,
    });
  } finally {
    await site.close();
  }
  analysis = analyzeCorpus(corpus);
});

const claim = (text: string, citations: string[], extra: Partial<ReportClaim> = {}): ReportClaim => ({
  id: `x-${text.slice(0, 12)}`,
  section: 'findings',
  text,
  citations,
  basis: 'sources',
  computed: [],
  ...extra,
});

describe('the citation check', () => {
  it('accepts numbers found in the cited source and computed values whose method is stated', () => {
    const checker = new CitationChecker(corpus);
    const outlook = idOf('/articles/market-outlook-2026.html');
    expect(
      checker.reasonToDrop(claim('Installations reached 442,100 units in 2025.', [outlook])),
    ).toBeUndefined();
    const computed = [{ value: 46.24, decimals: 1, method: 'change = (b − a) / a' }];
    expect(
      checker.reasonToDrop(claim('Growth was 46.2% (change = (b − a) / a).', [outlook], { computed })),
    ).toBeUndefined();
  });

  it('compares quotations after making typographic quotes and dashes plain', () => {
    const page = corpus.sources.find((x) => x.status === 'ok')!;
    const own = {
      ...corpus,
      sources: [{ ...page, id: 'q1', text: `He said "we don't sell in 2024-2025 - not yet" to the press.` }],
    };
    const checker = new CitationChecker(own);
    expect(
      checker.reasonToDrop(claim('He said “we don’t sell in 2024–2025 — not yet”.', ['q1'])),
    ).toBeUndefined();
    expect(checker.reasonToDrop(claim('He said “we don’t buy in 2024–2025”.', ['q1']))).toContain(
      'quotation',
    );
  });

  it('rejects unsupported numbers, missing citations, uncollected sources, false quotes and unstated methods', () => {
    const checker = new CitationChecker(corpus);
    const outlook = idOf('/articles/market-outlook-2026.html');
    const voltaris = idOf('/companies/voltaris-energy.html');
    const robots = corpus.sources.find((s) => s.failure === 'robots')!.id;
    expect(
      checker.reasonToDrop(claim('Voltaris Energy sold 9,999,999 units in 2025.', [voltaris])),
    ).toContain('9,999,999');
    // 442,100 is in the outlook, not in the company page it cites.
    expect(checker.reasonToDrop(claim('Installations reached 442,100 units.', [voltaris]))).toContain(
      '442,100',
    );
    expect(checker.reasonToDrop(claim('Battery prices are falling.', []))).toBe('cites no source');
    expect(checker.reasonToDrop(claim('Battery prices are falling.', ['s999']))).toBe(
      'cites unknown source s999',
    );
    expect(checker.reasonToDrop(claim('The draft forecast is bold.', [robots]))).toContain(
      'was not collected',
    );
    expect(checker.reasonToDrop(claim('“Demand has never been this weak”', [outlook]))).toContain(
      'quotation',
    );
    const computed = [{ value: 46.24, decimals: 1, method: 'change = (b − a) / a' }];
    expect(checker.reasonToDrop(claim('Growth was 46.2%.', [outlook], { computed }))).toContain('not stated');
  });

  it('drops a deliberately unsupported claim from the report and logs it', async () => {
    const { logger, lines } = memoryLogger();
    const bogus = claim(
      'Voltaris Energy sold 9,999,999 units in 2025.',
      [idOf('/companies/voltaris-energy.html')],
      { id: 'bogus' },
    );
    const report = await buildReport(corpus, analysis, { logger, extraClaims: [bogus] });
    expect(report.dropped.map((d) => d.claim.id)).toEqual(['bogus']);
    expect(report.markdown).not.toContain('9,999,999');
    expect(report.html).not.toContain('9,999,999');
    const logged = lines.find((l) => l.msg === 'report: dropped unsupported claim');
    expect(logged).toMatchObject({ claim: bogus.text, level: 40, code: 'REPORT_UNSUPPORTED_CLAIM' });
    expect(String(logged?.reason)).toContain('9,999,999');
    expect(report.markdown).toContain('1 statements that no cited source supports were left out and logged');
  });
});

describe('the report', () => {
  let report: Awaited<ReturnType<typeof buildReport>>;
  beforeAll(async () => {
    report = await buildReport(corpus, analysis);
  });

  it('has every section, and every finding cites numbered sources that exist', () => {
    for (const heading of [
      '## Summary',
      '## Key findings',
      '## Figures and trends',
      '## Entities and sentiment',
      '## Open questions and gaps',
      '## Sources',
    ]) {
      expect(report.markdown).toContain(heading);
    }
    const numbered = corpus.sources.filter((s) => s.status === 'ok').length;
    const findings = report.markdown.split('## Key findings')[1]!.split('## Figures')[0]!.trim().split('\n');
    expect(findings.length).toBeGreaterThanOrEqual(5);
    for (const line of findings) expect(line).toMatch(/\[\d+\]$/);
    // No finding opens with a pronoun it cannot resolve out of context ("It is the largest…").
    for (const line of findings)
      expect(line).not.toMatch(/^(?:\d+\.|-)\s*“(?:It|Its|They|This|These|He|She|We)\b/);
    for (const match of report.markdown.matchAll(/\[(\d+)\]/g))
      expect(Number(match[1])).toBeLessThanOrEqual(numbered);
    expect(report.dropped).toEqual([]);
  });

  it('shows trends with their method and charts for each series', () => {
    expect(report.markdown).toContain('Anomaly: 2025-06 at 58,400');
    expect(report.markdown).toContain('CAGR = (last / first)^(1 / years from first to last observation) − 1');
    expect(report.markdown).toContain('+41.4%'); // Voltaris revenue CAGR: √2 − 1
    expect(report.charts.length).toBeGreaterThanOrEqual(5);
    for (const chart of report.charts) expect(chart.svg.startsWith('<svg')).toBe(true);
    expect(report.markdown).toContain('Sources disagree for 2025');
  });

  it('is one self-contained HTML file', () => {
    expect(report.html).not.toMatch(/<script|<link |src="http|@import/);
    expect((report.html.match(/<svg/g) ?? []).length).toBe(report.charts.length);
    // Chart element ids are prefixed per chart, so clip paths do not collide on one page.
    const ids = [...report.html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is deterministic: the same sources give the same report', async () => {
    const again = await buildReport(corpus, analyzeCorpus(corpus));
    expect(again.markdown).toBe(report.markdown);
    expect(again.html).toBe(report.html);
  });
});

describe('model-drafted summary', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ model: string; messages: Array<{ content: string }> }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        requests.push(JSON.parse(body));
        const facts = requests.at(-1)!.messages[1]!.content;
        const n = /442,100 units.*?\[(\d+)\]/.exec(facts)?.[1] ?? '1';
        const content = `Home battery installations reached 442,100 units in 2025 [${n}]. Installations will triple to 1,500,000 units next year [${n}].`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps the model sentences the citation check supports and drops the rest', async () => {
    const { logger, lines } = memoryLogger();
    const provider = new OpenAiCompatibleProvider({ baseUrl, model: 'test-model', timeoutMs: 5_000 });
    const report = await buildReport(corpus, analysis, { logger, provider });
    expect(requests[0]!.model).toBe('test-model');
    expect(report.draftedBy).toBe('openai-compatible:test-model');
    expect(report.markdown).toContain('Home battery installations reached 442,100 units in 2025');
    expect(report.markdown).not.toContain('1,500,000');
    expect(report.dropped.map((d) => d.claim.author)).toEqual(['model']);
    expect(
      lines.some(
        (l) => l.msg === 'report: dropped unsupported claim' && String(l.claim).includes('1,500,000'),
      ),
    ).toBe(true);
  });

  it('falls back to the template summary when the model cannot be reached', async () => {
    const { logger, lines } = memoryLogger();
    const provider = new OpenAiCompatibleProvider({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      timeoutMs: 2_000,
    });
    const report = await buildReport(corpus, analysis, { logger, provider });
    expect(report.draftedBy).toBeUndefined();
    expect(report.markdown).toContain('## Summary');
    expect(lines.some((l) => l.msg === 'report: model summary failed; keeping the template summary')).toBe(
      true,
    );
  });
});
