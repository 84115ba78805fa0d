import { parse as parseCsv } from 'csv-parse/sync';
import type { SourceTable } from '../types.js';
import { nodeToText } from './text.js';

/** Tables from HTML, CSV and JSON, as header + rows of cell text. */

/** Tables smaller than this carry no series worth analysing (layout tables, single cells). */
const MIN_ROWS = 2;
const MIN_COLUMNS = 2;
const MAX_TABLES = 50;

function cellText(cell: Element): string {
  return nodeToText(cell).replace(/\s+/g, ' ').trim();
}

function captionOf(table: Element): string | undefined {
  const caption = table.querySelector('caption');
  if (caption) return cellText(caption) || undefined;
  const label = table.getAttribute('aria-label') ?? table.getAttribute('title');
  if (label) return label.trim();
  // The nearest heading before the table names it on most pages.
  for (let node = table.previousElementSibling; node; node = node.previousElementSibling) {
    if (/^H[1-4]$/.test(node.tagName.toUpperCase())) return cellText(node) || undefined;
  }
  return undefined;
}

export function htmlTables(document: Document): SourceTable[] {
  const out: SourceTable[] = [];
  for (const table of Array.from(document.querySelectorAll('table'))) {
    if (out.length >= MAX_TABLES) break;
    if (table.querySelector('table')) continue; // layout table wrapping a data table
    const rows = Array.from(table.querySelectorAll('tr')).map((tr) =>
      Array.from(tr.querySelectorAll('th,td')).map(cellText),
    );
    const nonEmpty = rows.filter((row) => row.some((cell) => cell.length > 0));
    if (nonEmpty.length < MIN_ROWS + 1) continue;
    const [headers, ...body] = nonEmpty as [string[], ...string[][]];
    if (headers.length < MIN_COLUMNS) continue;
    const caption = captionOf(table);
    out.push({ ...(caption ? { caption } : {}), headers, rows: body });
  }
  return out;
}

export function csvTable(text: string, caption?: string): SourceTable | undefined {
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  } catch {
    return undefined;
  }
  if (records.length < MIN_ROWS + 1 || (records[0]?.length ?? 0) < MIN_COLUMNS) return undefined;
  const [headers, ...rows] = records as [string[], ...string[][]];
  return { ...(caption ? { caption } : {}), headers, rows };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of flat records, at the top level or under one property, becomes a table. */
export function jsonTable(value: unknown, caption?: string): SourceTable | undefined {
  let records: unknown = value;
  let name = caption;
  if (isRecord(value)) {
    const entry = Object.entries(value).find(
      ([, v]) => Array.isArray(v) && v.length > 0 && v.every(isRecord),
    );
    if (!entry) return undefined;
    [name, records] = [caption ?? entry[0], entry[1]];
  }
  if (!Array.isArray(records) || records.length < MIN_ROWS || !records.every(isRecord)) return undefined;
  const headers: string[] = [];
  for (const record of records)
    for (const key of Object.keys(record)) if (!headers.includes(key)) headers.push(key);
  if (headers.length < MIN_COLUMNS) return undefined;
  const rows = records.map((record) =>
    headers.map((key) => {
      const cell = record[key];
      return cell === undefined || cell === null
        ? ''
        : typeof cell === 'object'
          ? JSON.stringify(cell)
          : String(cell);
    }),
  );
  return { ...(name ? { caption: name } : {}), headers, rows };
}

/** A table as text lines ("a | b | c"), so its figures can be quoted and checked like any sentence. */
export function tableToText(table: SourceTable): string {
  return [table.headers.join(' | '), ...table.rows.map((row) => row.join(' | '))].join('\n');
}
