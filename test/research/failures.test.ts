import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/research/collect/index.js';
import { type SampleSite, startSampleSite } from '../../src/research/sample-site.js';
import type { Corpus, CorpusSource } from '../../src/research/types.js';
import { closedPort, testLimits, USER_AGENT } from './support.js';

describe('sources that fail', () => {
  let site: SampleSite;
  let corpus: Corpus;
  let unreachable: string;

  beforeAll(async () => {
    // The slow page answers far past the fetch timeout, and the timeout is long enough that the
    // other pages answer within it on a loaded machine.
    site = await startSampleSite({ failures: true, slowMs: 120_000 });
    unreachable = `http://127.0.0.1:${await closedPort()}/report.html`;
    const routes = site.failureRoutes;
    const seeds = [
      site.url,
      unreachable,
      ...Object.values(routes).map((route) => new URL(route, site.url).href),
      'ftp://127.0.0.1/file.txt',
    ];
    corpus = await collect({
      topic: 'home batteries',
      sources: seeds,
      limits: testLimits({ fetchTimeoutMs: 8_000, maxDepth: 1 }),
      userAgent: USER_AGENT,
    });
  }, 120_000);
  afterAll(() => site.close());

  const at = (route: string): CorpusSource => {
    const url = new URL(route, site.url).href;
    const source = corpus.sources.find((s) => s.url === url);
    if (!source) throw new Error(`no record for ${route}`);
    return source;
  };

  it('records an unreachable host (connection refused) with its reason', () => {
    const source = corpus.sources.find((s) => s.url === unreachable)!;
    expect(source).toMatchObject({ status: 'failed', failure: 'refused' });
    expect(source.reason).toContain('ECONNREFUSED');
  });

  it('records HTTP 404 and 500 with their status', () => {
    expect(at(site.failureRoutes.notFound)).toMatchObject({
      status: 'failed',
      failure: 'http-status',
      httpStatus: 404,
      reason: 'HTTP 404 Not Found',
    });
    expect(at(site.failureRoutes.serverError)).toMatchObject({
      status: 'failed',
      failure: 'http-status',
      httpStatus: 500,
    });
  });

  it('gives up on a page slower than the fetch timeout', () => {
    expect(at(site.failureRoutes.slow)).toMatchObject({
      status: 'failed',
      failure: 'timeout',
      reason: 'no complete response within 8000 ms',
    });
  });

  it('stops reading a 5 MB page at the size cap', () => {
    const source = at(site.failureRoutes.huge);
    expect(source).toMatchObject({ status: 'failed', failure: 'too-large' });
    expect(source.reason).toContain(`${2 * 1024 * 1024}-byte cap`);
  });

  it('refuses binary content, whether labelled as binary or as HTML', () => {
    expect(at(site.failureRoutes.binary)).toMatchObject({
      status: 'failed',
      failure: 'not-text',
      reason: 'content type "application/octet-stream" is not text',
    });
    expect(at(site.failureRoutes.binaryAsHtml)).toMatchObject({
      status: 'failed',
      failure: 'not-text',
      reason: 'body is binary (NUL bytes)',
    });
  });

  it('records markup with no readable text as malformed, and still reads broken but readable HTML', () => {
    expect(at(site.failureRoutes.broken)).toMatchObject({ status: 'failed', failure: 'malformed' });
    const unclosed = at(site.failureRoutes.unclosed);
    expect(unclosed.status).toBe('ok');
    expect(unclosed.text).toContain('Battery demand keeps rising in coastal states');
    expect(unclosed.text).toContain('Most quotes now include a battery as standard');
  });

  it('decodes a declared ISO-8859-1 page and refuses one whose UTF-8 declaration is wrong', () => {
    const latin1 = at(site.failureRoutes.latin1);
    expect(latin1).toMatchObject({ status: 'ok', language: 'fr', title: 'Marché des batteries' });
    expect(latin1.text).toContain('Le marché français des batteries domestiques');
    const wrong = at(site.failureRoutes.mislabelled);
    expect(wrong).toMatchObject({ status: 'failed', failure: 'charset' });
    expect(wrong.reason).toContain('not valid UTF-8');
  });

  it('stops a redirect loop, and follows a plain redirect (deduplicated against its target)', () => {
    expect(at(site.failureRoutes.redirectLoop)).toMatchObject({ status: 'failed', failure: 'redirects' });
    expect(at(site.failureRoutes.redirect)).toMatchObject({ status: 'skipped', failure: 'duplicate' });
    expect(at('/articles/market-outlook-2026.html').status).toBe('ok');
  });

  it('refuses unsupported URL schemes', () => {
    expect(corpus.sources.find((s) => s.url.startsWith('ftp:'))).toMatchObject({
      status: 'failed',
      failure: 'unsupported',
    });
  });

  it('still collects everything else', () => {
    const ok = corpus.sources.filter((s) => s.status === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(8);
    expect(corpus.stats.failed).toBe(corpus.sources.filter((s) => s.status === 'failed').length);
    for (const source of corpus.sources.filter((s) => s.status !== 'ok')) expect(source.reason).toBeTruthy();
  });
});
