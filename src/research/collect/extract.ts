import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { SourceTable } from '../types.js';
import { detectLanguage } from './language.js';
import { linksFromDocument, type PageLinks } from './links.js';
import { htmlTables } from './tables.js';
import { nodeToText } from './text.js';

/**
 * Main content of an HTML page: Readability over a linkedom DOM (boilerplate such as navigation
 * and footers removed), with title, byline, publication date and language. Links and tables are
 * read from the untouched page first, because Readability rewrites the DOM it is given.
 */
export interface ExtractedPage {
  title: string;
  text: string;
  byline?: string;
  publishedAt?: string;
  language?: string;
  tables: SourceTable[];
  links: PageLinks;
}

export type ExtractOutcome = { ok: true; page: ExtractedPage } | { ok: false; reason: string };

/** Fewer visible characters than this after extraction means there is nothing to analyse. */
const MIN_TEXT_CHARS = 40;

const DATE_SELECTORS = [
  'meta[property="article:published_time"]',
  'meta[name="article:published_time"]',
  'meta[name="date"]',
  'meta[name="dc.date"]',
  'meta[name="DC.date"]',
  'meta[itemprop="datePublished"]',
];

export function extractHtml(html: string, url: string, declaredLanguage?: string): ExtractOutcome {
  const { document } = parseHTML(html) as unknown as { document: Document };
  const links = linksFromDocument(document, url);
  const tables = htmlTables(document);
  const heading = document.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const pageTitle = document.querySelector('title')?.textContent?.trim() ?? '';
  const metaTitle = document.querySelector('meta[property="og:title"]')?.getAttribute('content')?.trim();
  const metaAuthor = document.querySelector('meta[name="author"]')?.getAttribute('content')?.trim();
  const lang = document.documentElement?.getAttribute('lang') ?? declaredLanguage;
  const published = publicationDate(document);

  let text = '';
  let article: ReturnType<Readability<string>['parse']> = null;
  try {
    article = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  if (article?.content) {
    const { document: content } = parseHTML(
      `<!doctype html><html><body>${article.content}</body></html>`,
    ) as unknown as {
      document: Document;
    };
    text = nodeToText(content.body);
  }
  if (text.replace(/\s/g, '').length < MIN_TEXT_CHARS) {
    // Readability gives up on short or oddly built pages; fall back to the visible body text.
    const { document: fresh } = parseHTML(html) as unknown as { document: Document };
    for (const node of Array.from(fresh.querySelectorAll('nav, header, footer, aside, form'))) node.remove();
    text = fresh.body ? nodeToText(fresh.body) : '';
  }
  if (text.replace(/\s/g, '').length < MIN_TEXT_CHARS) {
    return { ok: false, reason: 'no readable text could be extracted (malformed or empty markup)' };
  }
  const rawTitle = metaTitle || article?.title?.trim() || pageTitle || firstLine(text);
  // "Headline | Site name": the page's own heading is the better title when the title starts with it.
  const title = heading.length >= 3 && rawTitle.startsWith(heading) ? heading : rawTitle;
  const byline = cleanByline(article?.byline ?? metaAuthor);
  const publishedAt = normalizeDate(published ?? article?.publishedTime ?? undefined);
  const language = detectLanguage(text, article?.lang ?? lang);
  return {
    ok: true,
    page: {
      title,
      text,
      tables,
      links,
      ...(byline ? { byline } : {}),
      ...(publishedAt ? { publishedAt } : {}),
      ...(language ? { language } : {}),
    },
  };
}

function publicationDate(document: Document): string | undefined {
  for (const selector of DATE_SELECTORS) {
    const value = document.querySelector(selector)?.getAttribute('content');
    if (value) return value;
  }
  return document.querySelector('time[datetime]')?.getAttribute('datetime') ?? undefined;
}

/** ISO 8601 date (YYYY-MM-DD, or the full timestamp when it has a time) or undefined. */
export function normalizeDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return trimmed;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function cleanByline(value: string | null | undefined): string | undefined {
  const byline = value
    ?.replace(/^\s*by\s+/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return byline ? byline.slice(0, 200) : undefined;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim()) ?? '').slice(0, 120);
}
