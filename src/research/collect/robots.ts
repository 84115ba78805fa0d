import { createRequire } from 'node:module';
import type { FailureKind } from '../types.js';
import { type FetchOptions, fetchText } from './fetcher.js';
import type { HostScheduler } from './politeness.js';

/**
 * robots.txt per origin, fetched once through the host scheduler (it is a request to the host
 * like any other). Per RFC 9309: a 4xx means no rules; a 5xx means the whole site is disallowed;
 * if the host cannot be reached at all, its pages fail with that network reason.
 */
export type RobotsVerdict = { allowed: true } | { allowed: false; failure: FailureKind; reason: string };

export interface RobotsRules {
  origin: string;
  verdict(url: string): RobotsVerdict;
  crawlDelayMs?: number;
  sitemaps: string[];
}

// robots-parser is CommonJS whose typings declare an ES default export; require() gets the function.
const robotsParser = createRequire(import.meta.url)(
  'robots-parser',
) as typeof import('robots-parser').default;

/** Longest Crawl-delay honoured, so one robots.txt cannot stall a collection for hours. */
const MAX_CRAWL_DELAY_MS = 30_000;

export class RobotsCache {
  private readonly cache = new Map<string, Promise<RobotsRules>>();

  constructor(
    private readonly scheduler: HostScheduler,
    private readonly fetchOptions: FetchOptions,
  ) {}

  rulesFor(url: string): Promise<RobotsRules> {
    const origin = new URL(url).origin;
    let rules = this.cache.get(origin);
    if (!rules) {
      rules = this.load(origin);
      this.cache.set(origin, rules);
    }
    return rules;
  }

  private async load(origin: string): Promise<RobotsRules> {
    const robotsUrl = `${origin}/robots.txt`;
    const host = new URL(origin).host;
    const outcome = await this.scheduler.run(
      host,
      () => fetchText(robotsUrl, { ...this.fetchOptions, accept: new Set(['text', 'html']) }),
      this.fetchOptions.signal,
    );
    if (!outcome.ok) {
      const status = outcome.status ?? 0;
      if (status >= 400 && status < 500) return openRules(origin);
      if (status >= 500) {
        return closedRules(
          origin,
          'robots',
          `robots.txt answered HTTP ${status}; the site is treated as disallowed`,
        );
      }
      if (
        outcome.failure === 'http-status' ||
        outcome.failure === 'not-text' ||
        outcome.failure === 'too-large'
      ) {
        return openRules(origin);
      }
      return closedRules(origin, outcome.failure, `${outcome.reason} (while reading robots.txt)`);
    }
    const robots = robotsParser(robotsUrl, outcome.text);
    const agent = this.fetchOptions.userAgent;
    const delaySeconds = robots.getCrawlDelay(agent);
    const rules: RobotsRules = {
      origin,
      sitemaps: robots.getSitemaps(),
      verdict(url) {
        return robots.isAllowed(url, agent) === false
          ? { allowed: false, failure: 'robots', reason: 'disallowed by robots.txt' }
          : { allowed: true };
      },
    };
    if (typeof delaySeconds === 'number' && delaySeconds > 0) {
      rules.crawlDelayMs = Math.min(MAX_CRAWL_DELAY_MS, delaySeconds * 1000);
      this.scheduler.setHostDelay(host, rules.crawlDelayMs);
    }
    return rules;
  }
}

function openRules(origin: string): RobotsRules {
  return { origin, sitemaps: [], verdict: () => ({ allowed: true }) };
}

function closedRules(origin: string, failure: FailureKind, reason: string): RobotsRules {
  return { origin, sitemaps: [], verdict: () => ({ allowed: false, failure, reason }) };
}
