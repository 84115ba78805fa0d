/**
 * The corpus a collection produces and every later step reads. It is written as JSON
 * (`corpus.json`), so every field is plain data.
 */

/** Why a source was not collected. Stable strings: reports and tests match on them. */
export type FailureKind =
  | 'dns'
  | 'refused'
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'redirects'
  | 'too-large'
  | 'not-text'
  | 'charset'
  | 'malformed'
  | 'robots'
  | 'duplicate'
  | 'unsupported'
  | 'io'
  | 'cancelled'
  /** Refused by the source policy before any byte was requested (RESEARCH_SOURCE_FORBIDDEN). */
  | 'forbidden';

export type SourceStatus = 'ok' | 'failed' | 'skipped';

/** How the collector came to a source. */
export type SourceVia = 'seed' | 'link' | 'sitemap' | 'feed' | 'canonical' | 'file';

/** A table found in a page, a CSV file or a JSON array of records. Cells are kept as text. */
export interface SourceTable {
  caption?: string;
  headers: string[];
  rows: string[][];
}

export interface CorpusSource {
  /** `s1`, `s2`, ... assigned after sorting by URL, so the same collection gives the same ids. */
  id: string;
  /** An http(s) URL, or a file:// URL for a local file. */
  url: string;
  /** Absolute path, for local files. */
  path?: string;
  title: string;
  text: string;
  /** ISO time of the fetch or read. */
  fetchedAt: string;
  /** sha256 of the whitespace-normalised text, hex; empty when nothing was read. */
  contentHash: string;
  status: SourceStatus;
  failure?: FailureKind;
  reason?: string;
  httpStatus?: number;
  contentType?: string;
  /** URL after redirects, when it differs from `url`. */
  finalUrl?: string;
  canonicalUrl?: string;
  byline?: string;
  publishedAt?: string;
  language?: string;
  tables?: SourceTable[];
  /** Non-fatal notes, e.g. a charset fallback. */
  warnings?: string[];
  depth: number;
  via: SourceVia;
}

/** A sitemap or feed read for links; not a source itself. */
export interface DiscoveryRecord {
  url: string;
  kind: 'sitemap' | 'feed' | 'robots';
  status: 'ok' | 'failed';
  links: number;
  reason?: string;
}

export interface Corpus {
  topic: string;
  createdAt: string;
  seeds: string[];
  sources: CorpusSource[];
  discovery: DiscoveryRecord[];
  /** Links found but not followed because a limit was reached. */
  notFollowed: { pageLimit: number; depthLimit: number; outOfScope: number };
  stats: { collected: number; failed: number; skipped: number; durationMs: number };
}

/** Limits of one collection; unset fields fall back to the `research` config section. */
export interface CollectLimits {
  maxPages: number;
  maxDepth: number;
  fetchTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  perHostConcurrency: number;
  perHostDelayMs: number;
  sameSite: boolean;
}
