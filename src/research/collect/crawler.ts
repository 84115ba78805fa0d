import type { SourcePolicy } from '../../security/source-policy.js';
import type { CollectLimits, DiscoveryRecord, SourceVia } from '../types.js';
import type { DocumentKind } from './content-types.js';
import { contentHash, type PendingSource } from './dedupe.js';
import { readDocument } from './documents.js';
import { type FetchOptions, type FetchOutcome, fetchText } from './fetcher.js';
import { guardedDispatcher } from './guarded-dispatcher.js';
import { inScope, linksFromFeed, linksFromSitemap, normalizeUrl } from './links.js';
import { HostScheduler } from './politeness.js';
import { RobotsCache } from './robots.js';

/**
 * Breadth-first crawl, one depth level at a time: each level is sorted before it is fetched, so
 * the page limit cuts the same pages on every run. Sitemaps and feeds are read for links only;
 * their entries count as one step from the page (or seed) that led to them.
 */
export interface CrawlOptions {
  seeds: string[];
  limits: CollectLimits;
  userAgent: string;
  signal?: AbortSignal;
  now?: () => Date;
  onSource?: (source: PendingSource) => void;
  /** Checks every URL and connection (seeds, links, robots.txt, sitemaps, redirect hops). */
  policy?: SourcePolicy;
}

export interface CrawlResult {
  sources: PendingSource[];
  discovery: DiscoveryRecord[];
  notFollowed: { pageLimit: number; depthLimit: number; outOfScope: number };
}

interface Item {
  url: string;
  depth: number;
  via: SourceVia;
}

/** Fetches in flight across all hosts; per-host limits apply beneath this. */
const GLOBAL_CONCURRENCY = 8;
/** Nested sitemap indexes followed at most this deep. */
const MAX_SITEMAP_NESTING = 2;
const PAGE_KINDS: ReadonlySet<DocumentKind> = new Set([
  'html',
  'text',
  'markdown',
  'csv',
  'json',
  'feed',
  'sitemap',
  'xml',
]);
const LINK_KINDS: ReadonlySet<DocumentKind> = new Set(['feed', 'sitemap', 'xml']);

export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  const dispatcher = options.policy ? guardedDispatcher(options.policy) : undefined;
  try {
    return await crawlWith(options, dispatcher ? { policy: options.policy!, dispatcher } : {});
  } finally {
    // Keep-alive sockets would otherwise hold the process open after the collection.
    await dispatcher?.destroy();
  }
}

async function crawlWith(
  options: CrawlOptions,
  guard: Pick<FetchOptions, 'policy' | 'dispatcher'>,
): Promise<CrawlResult> {
  const { limits } = options;
  const now = options.now ?? (() => new Date());
  const scheduler = new HostScheduler(limits.perHostConcurrency, limits.perHostDelayMs);
  const fetchOptions: FetchOptions = {
    timeoutMs: limits.fetchTimeoutMs,
    maxBytes: limits.maxBytes,
    maxRedirects: limits.maxRedirects,
    userAgent: options.userAgent,
    beforeRedirect: (url) => scheduler.turn(new URL(url).host, options.signal),
    ...guard,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const robots = new RobotsCache(scheduler, fetchOptions);
  const sources: PendingSource[] = [];
  const discovery: DiscoveryRecord[] = [];
  const notFollowed = { pageLimit: 0, depthLimit: 0, outOfScope: 0 };
  const queued = new Set<string>();
  const linkDocs = new Set<string>();
  const levels = new Map<number, Item[]>();
  const origins = new Set<string>();

  const record = (source: PendingSource): void => {
    sources.push(source);
    options.onSource?.(source);
  };
  const enqueue = (url: string, depth: number, via: SourceVia): void => {
    if (queued.has(url) || linkDocs.has(url)) return;
    if (limits.sameSite && !inScope(url, origins)) {
      notFollowed.outOfScope++;
      return;
    }
    if (depth > limits.maxDepth) {
      notFollowed.depthLimit++;
      return;
    }
    queued.add(url);
    const level = levels.get(depth);
    if (level) level.push({ url, depth, via });
    else levels.set(depth, [{ url, depth, via }]);
  };
  const base = (item: Item, fetchedAt: string): Omit<PendingSource, 'status'> => ({
    url: item.url,
    title: '',
    text: '',
    fetchedAt,
    contentHash: '',
    depth: item.depth,
    via: item.via,
  });
  const fetchPolitely = (url: string): Promise<FetchOutcome> =>
    scheduler.run(
      new URL(url).host,
      () => fetchText(url, { ...fetchOptions, accept: PAGE_KINDS }),
      options.signal,
    );

  /** Reads a sitemap or feed for links; `depth` is the depth its entries get. */
  const readLinkDocument = async (
    url: string,
    depth: number,
    nesting = 0,
    fetched?: FetchOutcome,
  ): Promise<void> => {
    if (linkDocs.has(url)) return;
    linkDocs.add(url);
    queued.add(url);
    const verdict = (await robots.rulesFor(url)).verdict(url);
    if (!verdict.allowed) {
      discovery.push({ url, kind: 'sitemap', status: 'failed', links: 0, reason: verdict.reason });
      return;
    }
    const outcome = fetched ?? (await fetchPolitely(url));
    if (!outcome.ok) {
      discovery.push({
        url,
        kind: /sitemap/i.test(url) ? 'sitemap' : 'feed',
        status: 'failed',
        links: 0,
        reason: outcome.reason,
      });
      return;
    }
    if (outcome.kind === 'sitemap') {
      const { pages, sitemaps } = linksFromSitemap(outcome.text, outcome.finalUrl);
      discovery.push({ url, kind: 'sitemap', status: 'ok', links: pages.length + sitemaps.length });
      for (const page of pages) enqueue(page, depth, 'sitemap');
      if (nesting < MAX_SITEMAP_NESTING)
        for (const nested of sitemaps) await readLinkDocument(nested, depth, nesting + 1);
    } else if (outcome.kind === 'feed') {
      const entries = linksFromFeed(outcome.text, outcome.finalUrl);
      discovery.push({ url, kind: 'feed', status: 'ok', links: entries.length });
      for (const entry of entries) enqueue(entry, depth, 'feed');
    } else {
      discovery.push({
        url,
        kind: 'feed',
        status: 'failed',
        links: 0,
        reason: `not a feed or sitemap (${outcome.kind})`,
      });
    }
  };

  const processItem = async (item: Item): Promise<boolean> => {
    if (linkDocs.has(item.url)) return false;
    const rules = await robots.rulesFor(item.url);
    const verdict = rules.verdict(item.url);
    if (!verdict.allowed) {
      const status = verdict.failure === 'robots' ? 'skipped' : 'failed';
      record({
        ...base(item, now().toISOString()),
        status,
        failure: verdict.failure,
        reason: verdict.reason,
      });
      return true;
    }
    const outcome = await fetchPolitely(item.url);
    const fetchedAt = now().toISOString();
    if (!outcome.ok) {
      record({
        ...base(item, fetchedAt),
        status: outcome.failure === 'cancelled' ? 'skipped' : 'failed',
        failure: outcome.failure,
        reason: outcome.reason,
        ...(outcome.status ? { httpStatus: outcome.status } : {}),
        ...(outcome.finalUrl !== item.url ? { finalUrl: outcome.finalUrl } : {}),
      });
      return true;
    }
    if (LINK_KINDS.has(outcome.kind)) {
      await readLinkDocument(item.url, item.depth + 1, 0, outcome);
      return false;
    }
    const finalUrl = normalizeUrl(outcome.finalUrl) ?? outcome.finalUrl;
    const name = decodeURIComponent(new URL(finalUrl).pathname.split('/').pop() || new URL(finalUrl).host);
    const read = readDocument(outcome.kind, outcome.text, finalUrl, name, outcome.language);
    const common = {
      ...base(item, fetchedAt),
      httpStatus: outcome.status,
      contentType: outcome.contentType,
      ...(finalUrl !== item.url ? { finalUrl } : {}),
    };
    if (!read.ok) {
      record({ ...common, status: 'failed', failure: read.failure, reason: read.reason });
      return true;
    }
    const { content } = read;
    const canonical = content.links?.canonical;
    record({
      ...common,
      status: 'ok',
      title: content.title,
      text: content.text,
      contentHash: contentHash(content.text),
      ...(canonical ? { canonicalUrl: canonical } : {}),
      ...(content.byline ? { byline: content.byline } : {}),
      ...(content.publishedAt ? { publishedAt: content.publishedAt } : {}),
      ...(content.language ? { language: content.language } : {}),
      ...(content.tables.length > 0 ? { tables: content.tables } : {}),
      ...(outcome.warning ? { warnings: [outcome.warning] } : {}),
    });
    // Feeds first: a feed that is also linked as a page is then read once, as a feed.
    for (const feed of content.links?.feeds ?? []) {
      if (!limits.sameSite || inScope(feed, origins)) await readLinkDocument(feed, item.depth + 1);
    }
    for (const link of content.links?.links ?? []) enqueue(link, item.depth + 1, 'link');
    if (canonical) enqueue(canonical, item.depth + 1, 'canonical');
    return true;
  };

  for (const seed of options.seeds) {
    const url = normalizeUrl(seed);
    if (!url) {
      record({
        ...base({ url: seed, depth: 0, via: 'seed' }, now().toISOString()),
        status: 'failed',
        failure: 'unsupported',
        reason: 'not an http(s) URL',
      });
      continue;
    }
    origins.add(new URL(url).origin);
    enqueue(url, 0, 'seed');
  }
  // Sitemaps named in robots.txt (or the conventional /sitemap.xml) seed the first level.
  await Promise.all(
    [...origins].map(async (origin) => {
      const rules = await robots.rulesFor(origin);
      if (!rules.verdict(`${origin}/`).allowed && rules.sitemaps.length === 0) return;
      const sitemaps = rules.sitemaps.length > 0 ? rules.sitemaps : [`${origin}/sitemap.xml`];
      for (const sitemap of sitemaps) {
        const url = normalizeUrl(sitemap);
        if (url && (!limits.sameSite || inScope(url, origins))) await readLinkDocument(url, 1);
      }
    }),
  );

  let pages = 0;
  for (let depth = 0; levels.has(depth) && !options.signal?.aborted; depth++) {
    const level = levels.get(depth)!.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    const room = Math.max(0, limits.maxPages - pages);
    notFollowed.pageLimit += Math.max(0, level.length - room);
    const take = level.slice(0, room);
    pages += take.length;
    const counted = await pool(take, GLOBAL_CONCURRENCY, processItem);
    // Feeds and sitemaps reached through links are not pages; give their slot back.
    pages -= counted.filter((c) => !c).length;
    levels.delete(depth);
  }
  for (const rest of levels.values()) notFollowed.pageLimit += rest.length;
  return { sources, discovery, notFollowed };
}

async function pool<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
