import type { SourcePolicy } from '../../security/source-policy.js';
import type { CollectLimits, Corpus, CorpusSource } from '../types.js';
import { crawl } from './crawler.js';
import { type PendingSource, removeDuplicates } from './dedupe.js';
import { collectLocal } from './local.js';
import { sourceKind } from './source-kind.js';

/**
 * One collection: web sources are crawled, local paths are read, both at once; then duplicates
 * are marked, everything is sorted by URL and numbered. Failures stay in the corpus with their
 * reason; only an empty list of sources is refused (by the caller).
 */
export interface CollectOptions {
  topic: string;
  sources: string[];
  limits: CollectLimits;
  userAgent: string;
  signal?: AbortSignal;
  cwd?: string;
  now?: () => Date;
  onSource?: (source: PendingSource) => void;
  /**
   * What may be fetched or read. Without one nothing is restricted (the operator's own use, as
   * in tests and benchmarks); skills always pass the policy of the principal they act for.
   */
  policy?: SourcePolicy;
}

export { type SourceKind, sourceKind } from './source-kind.js';

export async function collect(options: CollectOptions): Promise<Corpus> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const web = options.sources.filter((s) => sourceKind(s) === 'web');
  const local = options.sources.filter((s) => sourceKind(s) === 'local');
  const unsupported = options.sources.filter((s) => sourceKind(s) === 'unsupported');
  const [crawled, read] = await Promise.all([
    web.length > 0
      ? crawl({
          seeds: web,
          limits: options.limits,
          userAgent: options.userAgent,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onSource ? { onSource: options.onSource } : {}),
          ...(options.policy ? { policy: options.policy } : {}),
          now,
        })
      : undefined,
    local.length > 0
      ? collectLocal({
          paths: local,
          limits: options.limits,
          now,
          ...(options.cwd ? { cwd: options.cwd } : {}),
          ...(options.onSource ? { onSource: options.onSource } : {}),
          ...(options.policy ? { policy: options.policy } : {}),
        })
      : undefined,
  ]);
  const pending: PendingSource[] = [...(crawled?.sources ?? []), ...(read?.sources ?? [])];
  for (const url of unsupported) {
    pending.push({
      url,
      title: url,
      text: '',
      fetchedAt: now().toISOString(),
      contentHash: '',
      status: 'failed',
      failure: 'unsupported',
      reason: 'only http(s) URLs and local paths are collected',
      depth: 0,
      via: 'seed',
    });
  }
  removeDuplicates(pending);
  pending.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const sources: CorpusSource[] = pending.map((source, index) => ({ id: `s${index + 1}`, ...source }));
  const count = (status: CorpusSource['status']): number => sources.filter((s) => s.status === status).length;
  const notFollowed = crawled?.notFollowed ?? { pageLimit: 0, depthLimit: 0, outOfScope: 0 };
  notFollowed.pageLimit += read?.pageLimit ?? 0;
  return {
    topic: options.topic,
    createdAt: now().toISOString(),
    seeds: [...options.sources],
    sources,
    discovery: crawled?.discovery.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0)) ?? [],
    notFollowed,
    stats: {
      collected: count('ok'),
      failed: count('failed'),
      skipped: count('skipped'),
      durationMs: Date.now() - started,
    },
  };
}

export { contentHash } from './dedupe.js';
