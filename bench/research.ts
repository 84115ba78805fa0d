import { analyzeCorpus } from '../src/research/analyze/index.js';
import { collect } from '../src/research/collect/index.js';
import { buildReport } from '../src/research/report/index.js';
import { startSampleSite } from '../src/research/sample-site.js';
import type { CollectLimits } from '../src/research/types.js';
import { type BenchOptions, type BenchResult, round } from './harness.js';

/**
 * Research pipeline on the bundled sample site (127.0.0.1): pages/s collected (robots.txt,
 * sitemap, feed, extraction, dedupe) and analysed, and the time of collect + analyse + report.
 * The politeness delay is set to 0 here, and per-host concurrency to 4, so the figures measure
 * the crawler, not the configured pause (250 ms per host by default, which alone would cap a
 * single-host crawl at 4 requests/s). Peer: plain sequential fetch() of the same pages, no parsing.
 */
export const name = 'research';

const LIMITS: CollectLimits = {
  maxPages: 100,
  maxDepth: 3,
  fetchTimeoutMs: 10_000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 4,
  perHostDelayMs: 0,
  sameSite: true,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(options: BenchOptions): Promise<BenchResult> {
  const rounds = options.quick ? 3 : 10;
  const site = await startSampleSite();
  try {
    // Warm-up: loads the NLP model and vega once, as a long-running node would have.
    const warm = await collect({
      topic: 'home battery storage market',
      sources: [site.url],
      limits: LIMITS,
      userAgent: 'MagnatronicBench/1',
    });
    await buildReport(warm, analyzeCorpus(warm));
    const pages = warm.sources.filter((s) => s.status === 'ok').map((s) => s.url);

    const collectMs: number[] = [];
    const analyzeMs: number[] = [];
    const reportMs: number[] = [];
    const fetchMs: number[] = [];
    let collected = 0;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      const corpus = await collect({
        topic: 'home battery storage market',
        sources: [site.url],
        limits: LIMITS,
        userAgent: 'MagnatronicBench/1',
      });
      collectMs.push(performance.now() - t);
      collected = corpus.stats.collected;
      t = performance.now();
      const analysis = analyzeCorpus(corpus);
      analyzeMs.push(performance.now() - t);
      t = performance.now();
      await buildReport(corpus, analysis);
      reportMs.push(performance.now() - t);
      t = performance.now();
      for (const url of pages) await (await fetch(url)).text();
      fetchMs.push(performance.now() - t);
    }
    const c = median(collectMs);
    const a = median(analyzeMs);
    const rep = median(reportMs);
    const f = median(fetchMs);
    const requests = site.log.length;
    return {
      name,
      rows: [
        {
          stage: 'collect (crawl + extract + dedupe)',
          'median ms': round(c, 1),
          'pages/s': round((collected / c) * 1000, 1),
        },
        { stage: 'analyse', 'median ms': round(a, 1), 'pages/s': round((collected / a) * 1000, 1) },
        {
          stage: 'report (check + charts + render)',
          'median ms': round(rep, 1),
          'pages/s': round((collected / rep) * 1000, 1),
        },
        {
          stage: 'collect + analyse + report',
          'median ms': round(c + a + rep, 1),
          'pages/s': round((collected / (c + a + rep)) * 1000, 1),
        },
        {
          stage: 'peer: plain sequential fetch()',
          'median ms': round(f, 1),
          'pages/s': round((pages.length / f) * 1000, 1),
        },
      ],
      verdicts: [
        `collect vs plain fetch of the same pages: ${round(c / f, 2)}x the time (robots.txt, sitemap, feed, extraction and dedupe included)`,
      ],
      notes: [
        `${collected} pages collected per round, ${rounds} rounds, medians; ${requests} requests served in total`,
        'politeness delay 0 ms and 4 requests per host for this benchmark (default: 250 ms, 2 per host)',
        'sample site on 127.0.0.1 in the same process; end-to-end demo mission time is measured by the CLI benchmark',
      ],
    };
  } finally {
    await site.close();
  }
}
