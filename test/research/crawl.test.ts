import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/research/collect/index.js';
import { HostScheduler } from '../../src/research/collect/politeness.js';
import { SAMPLE_SITE_ROOT, type SampleSite, startSampleSite } from '../../src/research/sample-site.js';
import type { Corpus } from '../../src/research/types.js';
import { tempDir, testLimits, USER_AGENT } from './support.js';

describe('crawling the sample site', () => {
  let site: SampleSite;
  let corpus: Corpus;

  beforeAll(async () => {
    site = await startSampleSite();
    corpus = await collect({
      topic: 'home batteries',
      sources: [site.url],
      limits: testLimits(),
      userAgent: USER_AGENT,
    });
  });
  afterAll(() => site.close());

  const path = (url: string): string => new URL(url).pathname + new URL(url).search;
  const ok = (): string[] => corpus.sources.filter((s) => s.status === 'ok').map((s) => path(s.url));

  it('finds and collects pages linked, listed in the sitemap and in the RSS feed', () => {
    expect(ok()).toEqual([
      '/',
      '/about.html',
      '/articles/installer-survey-2026.html', // only in the RSS feed
      '/articles/market-outlook-2026.html',
      '/articles/policy-incentives.html', // only in the sitemap
      '/articles/prices-fall-again.html',
      '/companies/',
      '/companies/helio-grid-systems.html',
      '/companies/northwind-batteries.html',
      '/companies/voltaris-energy.html',
      '/data/monthly-installations.csv',
      '/prices.html',
    ]);
    expect(corpus.discovery.map((d) => [path(d.url), d.kind, d.status])).toEqual([
      ['/feed.xml', 'feed', 'ok'],
      ['/sitemap.xml', 'sitemap', 'ok'],
    ]);
  });

  it('records every source with url, fetch time, status, hash and text, plus metadata', () => {
    const outlook = corpus.sources.find((s) => s.url.endsWith('/articles/market-outlook-2026.html'))!;
    expect(outlook).toMatchObject({
      status: 'ok',
      httpStatus: 200,
      title: 'Home battery market outlook 2026',
      byline: 'Lena Fischer',
      language: 'en',
    });
    expect(outlook.publishedAt?.startsWith('2026-01-15')).toBe(true);
    expect(outlook.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(outlook.fetchedAt))).toBe(false);
    expect(outlook.text).toContain('442,100 units in 2025');
    // Boilerplate (navigation, footer) is removed by the main-content extraction.
    expect(outlook.text).not.toContain('Sample data: every company');
    const prices = corpus.sources.find((s) => s.url.endsWith('/prices.html'))!;
    expect(prices.tables?.[0]?.headers).toEqual([
      'Product',
      'Company',
      'Capacity (kWh)',
      'Price (USD)',
      'Price per kWh (USD)',
    ]);
    expect(prices.tables?.[0]?.rows).toHaveLength(6);
    const csv = corpus.sources.find((s) => s.url.endsWith('.csv'))!;
    expect(csv.tables?.[0]?.rows).toHaveLength(24);
    expect(corpus.sources.map((s) => s.id)).toEqual(corpus.sources.map((_, i) => `s${i + 1}`));
  });

  it('never fetches the path robots.txt forbids, and records it as skipped', () => {
    expect(site.log.some((e) => e.path.startsWith('/private/'))).toBe(false);
    expect(site.log.some((e) => e.path === '/robots.txt')).toBe(true);
    const forbidden = corpus.sources.find((s) => s.url.includes('/private/'))!;
    expect(forbidden).toMatchObject({
      status: 'skipped',
      failure: 'robots',
      reason: 'disallowed by robots.txt',
    });
  });

  it('removes duplicates by canonical URL and by tracking parameters, fetching each page once', () => {
    const print = corpus.sources.find((s) => s.url.includes('/print/'))!;
    expect(print).toMatchObject({ status: 'skipped', failure: 'duplicate' });
    expect(print.reason).toContain('/articles/prices-fall-again.html');
    // Linked as ?utm_source=home and ?utm_source=rss: normalised to one URL, fetched once.
    expect(site.log.filter((e) => e.path.startsWith('/articles/prices-fall-again.html'))).toHaveLength(1);
    const hashes = corpus.sources.filter((s) => s.status === 'ok').map((s) => s.contentHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    // rel=nofollow links are not followed.
    expect(site.log.some((e) => e.path.startsWith('/newsletter'))).toBe(false);
  });

  it('identifies itself with the configured user agent on every request', () => {
    expect(site.log.every((e) => e.userAgent === USER_AGENT)).toBe(true);
  });

  it('stops at the page and depth limits and says how many links it left', async () => {
    const small = await collect({
      topic: 't',
      sources: [site.url],
      limits: testLimits({ maxPages: 3, maxDepth: 1 }),
      userAgent: USER_AGENT,
    });
    const fetched = small.sources.filter((s) => s.status !== 'skipped' || s.failure !== 'robots');
    expect(fetched.length).toBeLessThanOrEqual(3);
    expect(small.notFollowed.pageLimit).toBeGreaterThan(0);
    const shallow = await collect({
      topic: 't',
      sources: [site.url],
      limits: testLimits({ maxDepth: 0 }),
      userAgent: USER_AGENT,
    });
    expect(shallow.sources.filter((s) => s.status === 'ok').map((s) => path(s.url))).toEqual(['/']);
    expect(shallow.notFollowed.depthLimit).toBeGreaterThan(0);
  });
});

describe('politeness', () => {
  // Lower bounds only, and only ones that cannot flake: the scheduler spaces the *starts* of
  // requests, so n requests take at least (n - 1) delays from the call to its return, however
  // late the server (in this process) logs each one. Gaps between logged times can shrink under
  // load and are not asserted.
  it('spaces requests to one host by at least the configured delay', async () => {
    const site = await startSampleSite();
    try {
      const delay = 150;
      const began = Date.now();
      await collect({
        topic: 't',
        sources: [site.url],
        limits: testLimits({ perHostDelayMs: delay, maxPages: 8 }),
        userAgent: USER_AGENT,
      });
      const elapsed = Date.now() - began;
      expect(site.log.length).toBeGreaterThanOrEqual(6);
      expect(elapsed).toBeGreaterThanOrEqual((site.log.length - 1) * delay);
    } finally {
      await site.close();
    }
  });

  it('never starts two turns for one host closer than the delay', async () => {
    const scheduler = new HostScheduler(4, 40);
    const began = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => scheduler.run('h', async () => undefined)));
    expect(Date.now() - began).toBeGreaterThanOrEqual(5 * 40);
    // A raised delay (robots.txt Crawl-delay) applies from the next turn on.
    scheduler.setHostDelay('h', 100);
    const again = Date.now();
    await scheduler.turn('h');
    await scheduler.turn('h');
    expect(Date.now() - again).toBeGreaterThanOrEqual(100);
  });

  it('honours a Crawl-delay in robots.txt above the configured delay', async () => {
    const root = tempDir();
    cpSync(SAMPLE_SITE_ROOT, root, { recursive: true });
    writeFileSync(join(root, 'robots.txt'), 'User-agent: *\nCrawl-delay: 0.2\nDisallow: /private/\n');
    const site = await startSampleSite({ root });
    try {
      const began = Date.now();
      await collect({
        topic: 't',
        sources: [site.url],
        limits: testLimits({ maxPages: 4, maxDepth: 1 }),
        userAgent: USER_AGENT,
      });
      const elapsed = Date.now() - began;
      // robots.txt comes first, at no delay; each page after the first then waits 200 ms.
      expect(site.log.length).toBeGreaterThanOrEqual(4);
      expect(elapsed).toBeGreaterThanOrEqual((site.log.length - 2) * 200);
    } finally {
      await site.close();
    }
  });
});

describe('local sources', () => {
  it('reads a directory of HTML, Markdown, text, CSV and JSON, skipping what it cannot read', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'notes.md'),
      '# Field notes\n\nInstallers in Ohio quoted $700 per kWh in May 2025.\n\n| Year | Units |\n| --- | --- |\n| 2023 | 10 |\n| 2024 | 14 |\n',
    );
    writeFileSync(join(dir, 'memo.txt'), 'Memo\n\nThe pilot added 12 batteries to the school grid.');
    writeFileSync(join(dir, 'sales.csv'), 'quarter,units\n2025-Q1,100\n2025-Q2,120\n2025-Q3,150\n');
    writeFileSync(
      join(dir, 'records.json'),
      JSON.stringify({
        sales: [
          { year: 2023, units: 5 },
          { year: 2024, units: 9 },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'page.html'),
      '<html lang="en"><head><title>Local page</title></head><body><p>A locally saved page about home storage batteries and their falling prices in many regions.</p></body></html>',
    );
    writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    writeFileSync(join(dir, 'copy.txt'), 'Memo\n\nThe pilot added 12 batteries to the school grid.');
    const corpus = await collect({
      topic: 't',
      sources: [dir, join(dir, 'missing.txt')],
      limits: testLimits(),
      userAgent: USER_AGENT,
    });
    const byName = (name: string) => corpus.sources.find((s) => s.path?.endsWith(name))!;
    expect(byName('notes.md')).toMatchObject({ status: 'ok', title: 'Field notes', via: 'file' });
    expect(byName('notes.md').tables?.[0]?.rows).toEqual([
      ['2023', '10'],
      ['2024', '14'],
    ]);
    expect(byName('memo.txt').text).toContain('12 batteries');
    expect(byName('sales.csv').tables?.[0]?.rows).toHaveLength(3);
    expect(byName('records.json').tables?.[0]).toMatchObject({
      headers: ['year', 'units'],
      rows: [
        ['2023', '5'],
        ['2024', '9'],
      ],
    });
    expect(byName('page.html')).toMatchObject({ status: 'ok', title: 'Local page' });
    expect(byName('logo.png')).toMatchObject({ status: 'skipped', failure: 'unsupported' });
    expect([byName('copy.txt').status, byName('memo.txt').status].sort()).toEqual(['ok', 'skipped']);
    expect(byName('missing.txt')).toMatchObject({
      status: 'failed',
      failure: 'io',
      reason: 'no such file or directory',
    });
  });
});
