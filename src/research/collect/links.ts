import { DOMParser } from 'linkedom';

/** URL normalisation, scope and link discovery from pages, sitemaps and feeds. */

const TRACKING_PARAMS = /^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref_src)$/i;

/**
 * The key two URLs share when they name the same resource: http(s) only, no fragment, no
 * tracking parameters, remaining parameters sorted. Returns undefined for anything else.
 */
export function normalizeUrl(raw: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  const params = [...url.searchParams.entries()].filter(([key]) => !TRACKING_PARAMS.test(key));
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(params).toString();
  return url.href;
}

/** Same-site scope: the link's origin is one of the seeds' origins. */
export function inScope(url: string, origins: ReadonlySet<string>): boolean {
  return origins.has(new URL(url).origin);
}

export interface PageLinks {
  links: string[];
  feeds: string[];
  canonical?: string;
}

/** Links of a parsed HTML document; `rel=nofollow` links are not followed. */
export function linksFromDocument(document: Document, baseUrl: string): PageLinks {
  const base = document.querySelector('base[href]')?.getAttribute('href') ?? undefined;
  const resolveBase = base ? (normalizeUrl(base, baseUrl) ?? baseUrl) : baseUrl;
  const links = new Set<string>();
  for (const anchor of Array.from(document.querySelectorAll('a[href]'))) {
    if (/\bnofollow\b/i.test(anchor.getAttribute('rel') ?? '')) continue;
    const url = normalizeUrl(anchor.getAttribute('href') ?? '', resolveBase);
    if (url) links.add(url);
  }
  const feeds = new Set<string>();
  for (const link of Array.from(document.querySelectorAll('link[rel~="alternate"][href]'))) {
    const type = (link.getAttribute('type') ?? '').toLowerCase();
    if (type !== 'application/rss+xml' && type !== 'application/atom+xml') continue;
    const url = normalizeUrl(link.getAttribute('href') ?? '', resolveBase);
    if (url) feeds.add(url);
  }
  const canonicalHref = document.querySelector('link[rel~="canonical"][href]')?.getAttribute('href');
  const canonical = canonicalHref ? normalizeUrl(canonicalHref, resolveBase) : undefined;
  return { links: [...links], feeds: [...feeds], ...(canonical ? { canonical } : {}) };
}

function parseXml(text: string): Document {
  return new DOMParser().parseFromString(text, 'text/xml') as unknown as Document;
}

function texts(document: Document, tag: string): string[] {
  return Array.from(document.getElementsByTagName(tag))
    .map((node) => (node.textContent ?? '').trim())
    .filter(Boolean);
}

/** Page URLs and nested sitemaps of a sitemap or sitemap index. */
export function linksFromSitemap(xml: string, baseUrl: string): { pages: string[]; sitemaps: string[] } {
  const document = parseXml(xml);
  const locs = texts(document, 'loc')
    .map((loc) => normalizeUrl(loc, baseUrl))
    .filter((url): url is string => url !== undefined);
  const isIndex = document.getElementsByTagName('sitemapindex').length > 0;
  return isIndex ? { pages: [], sitemaps: locs } : { pages: locs, sitemaps: [] };
}

/** Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed. */
export function linksFromFeed(xml: string, baseUrl: string): string[] {
  const document = parseXml(xml);
  const out = new Set<string>();
  for (const item of Array.from(document.getElementsByTagName('item'))) {
    const link = item.getElementsByTagName('link')[0]?.textContent ?? item.getAttribute('rdf:about') ?? '';
    const url = normalizeUrl(link, baseUrl);
    if (url) out.add(url);
  }
  for (const entry of Array.from(document.getElementsByTagName('entry'))) {
    const links = Array.from(entry.getElementsByTagName('link'));
    const chosen = links.find((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate') ?? links[0];
    const url = chosen ? normalizeUrl(chosen.getAttribute('href') ?? '', baseUrl) : undefined;
    if (url) out.add(url);
  }
  return [...out];
}
