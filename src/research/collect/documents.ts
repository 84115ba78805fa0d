import { parseHTML } from 'linkedom';
import { marked } from 'marked';
import type { FailureKind, SourceTable } from '../types.js';
import type { DocumentKind } from './content-types.js';
import { extractHtml } from './extract.js';
import { detectLanguage } from './language.js';
import type { PageLinks } from './links.js';
import { csvTable, htmlTables, jsonTable, tableToText } from './tables.js';
import { nodeToText, tidy } from './text.js';

/** Turns decoded text of any readable kind into a source's content. */
export interface DocumentContent {
  title: string;
  text: string;
  tables: SourceTable[];
  byline?: string;
  publishedAt?: string;
  language?: string;
  links?: PageLinks;
}

export type ContentOutcome =
  | { ok: true; content: DocumentContent }
  | { ok: false; failure: FailureKind; reason: string };

export function readDocument(
  kind: DocumentKind,
  text: string,
  url: string,
  name: string,
  language?: string,
): ContentOutcome {
  switch (kind) {
    case 'html': {
      const extracted = extractHtml(text, url, language);
      return extracted.ok
        ? { ok: true, content: extracted.page }
        : { ok: false, failure: 'malformed', reason: extracted.reason };
    }
    case 'markdown':
      return fromMarkdown(text, name, language);
    case 'text':
      return fromText(text, name, language);
    case 'csv': {
      const table = csvTable(text, name);
      if (!table) return { ok: false, failure: 'malformed', reason: 'CSV could not be parsed into a table' };
      return { ok: true, content: { title: name, text: tableToText(table), tables: [table] } };
    }
    case 'json':
      return fromJson(text, name);
    default:
      return { ok: false, failure: 'unsupported', reason: `${kind} documents are read for links only` };
  }
}

function fromText(text: string, name: string, language?: string): ContentOutcome {
  const body = tidy(text.replace(/\r\n?/g, '\n'));
  if (!body) return { ok: false, failure: 'malformed', reason: 'the file is empty' };
  const lang = detectLanguage(body, language);
  const title = body.split('\n')[0]!.slice(0, 120) || name;
  return { ok: true, content: { title, text: body, tables: [], ...(lang ? { language: lang } : {}) } };
}

function fromMarkdown(markdown: string, name: string, language?: string): ContentOutcome {
  const html = marked.parse(markdown.replace(/^---\n[\s\S]*?\n---\n/, ''), { async: false, gfm: true });
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`) as unknown as {
    document: Document;
  };
  const text = nodeToText(document.body);
  if (!text) return { ok: false, failure: 'malformed', reason: 'the Markdown file has no text' };
  const title = document.querySelector('h1')?.textContent?.trim() || name;
  const lang = detectLanguage(text, language);
  return {
    ok: true,
    content: { title, text, tables: htmlTables(document), ...(lang ? { language: lang } : {}) },
  };
}

function fromJson(text: string, name: string): ContentOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, failure: 'malformed', reason: `invalid JSON: ${(error as Error).message}` };
  }
  const table = jsonTable(value, name);
  const strings: string[] = [];
  collectStrings(value, strings);
  const body = table ? tableToText(table) : tidy(strings.join('\n'));
  if (!body) return { ok: false, failure: 'malformed', reason: 'the JSON document has no text or records' };
  const title =
    typeof (value as { title?: unknown })?.title === 'string'
      ? String((value as { title: string }).title)
      : name;
  return { ok: true, content: { title, text: body, tables: table ? [table] : [] } };
}

/** String values of a JSON document, depth first, skipping short identifiers. */
function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (/\s/.test(value.trim())) out.push(value.trim());
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, out);
  }
}
