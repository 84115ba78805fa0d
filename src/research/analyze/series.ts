import type { CorpusSource, SourceTable } from '../types.js';
import { type ParsedNumber, parseCell } from './numbers.js';
import { parsePeriod, periodLabel } from './periods.js';
import { seriesStats } from './stats.js';
import type { Series } from './types.js';

/**
 * Tables into series. The label column is the first whose cells are all periods (a time series)
 * or, failing that, the first mostly non-numeric column (categories). Every other column whose
 * cells are at least 80% numbers becomes one series; rows without a number are left out.
 */
const NUMERIC_SHARE = 0.8;
const MIN_POINTS = 2;
const MAX_SERIES = 60;

interface LabelColumn {
  index: number;
  kind: 'time' | 'category';
  periodsPerYear?: number;
}

function findLabelColumn(table: SourceTable): LabelColumn | undefined {
  const width = table.headers.length;
  for (let c = 0; c < width; c++) {
    const cells = table.rows.map((row) => row[c] ?? '').filter(Boolean);
    if (cells.length < MIN_POINTS) continue;
    const periods = cells.map(parsePeriod);
    const perYear = periods[0]?.periodsPerYear;
    if (perYear !== undefined && periods.every((p) => p?.periodsPerYear === perYear)) {
      return { index: c, kind: 'time', periodsPerYear: perYear };
    }
  }
  for (let c = 0; c < width; c++) {
    const cells = table.rows.map((row) => row[c] ?? '').filter(Boolean);
    const numeric = cells.filter((cell) => parseCell(cell) !== undefined).length;
    if (cells.length >= MIN_POINTS && numeric / cells.length < 0.5) return { index: c, kind: 'category' };
  }
  return undefined;
}

/** "Revenue (USD million)" → "USD million"; "avg_price_usd_per_kwh" → "USD/kWh"; else from the cells. */
function unitOf(header: string, cells: ParsedNumber[]): string | undefined {
  const bracket = /\(([^)]+)\)\s*$/.exec(header);
  if (bracket) return bracket[1]!.trim();
  const snake = /_(usd|eur|gbp)_per_(\w+)$/i.exec(header);
  if (snake) return `${snake[1]!.toUpperCase()}/${snake[2]!.replace(/^kwh$/i, 'kWh')}`;
  if (cells.every((c) => c.percent)) return '%';
  const currency = cells[0]?.currency;
  if (currency && cells.every((c) => c.currency === currency)) return currency;
  return undefined;
}

export function prettyHeader(header: string): string {
  const spaced = header.includes('_') ? header.replace(/_/g, ' ') : header;
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function tableSeries(source: CorpusSource, table: SourceTable, tableIndex: number): Series[] {
  const label = findLabelColumn(table);
  if (!label) return [];
  let rows = table.rows.filter((row) => (row[label.index] ?? '').trim() !== '');
  if (label.kind === 'time') {
    rows = [...rows].sort(
      (a, b) => parsePeriod(a[label.index]!)!.ordinal - parsePeriod(b[label.index]!)!.ordinal,
    );
  }
  const out: Series[] = [];
  for (let c = 0; c < table.headers.length; c++) {
    if (c === label.index) continue;
    const parsed = rows.map((row) => ({ label: row[label.index]!.trim(), cell: parseCell(row[c] ?? '') }));
    const numeric = parsed.filter((p): p is { label: string; cell: ParsedNumber } => p.cell !== undefined);
    if (numeric.length < MIN_POINTS || numeric.length / Math.max(1, parsed.length) < NUMERIC_SHARE) continue;
    const header = table.headers[c] ?? `column ${c + 1}`;
    const points = numeric.map((p) => ({ label: p.label, value: p.cell.value }));
    const values = points.map((p) => p.value);
    const labels = points.map((p) => p.label);
    let futureLabels: string[] | undefined;
    let times: number[] | undefined;
    let futureTimes: number[] | undefined;
    if (label.kind === 'time') {
      // Real time in years as x: a missing year is a gap, not a step of one.
      const periods = labels.map((l) => parsePeriod(l)!);
      times = periods.map((p) => p.ordinal / p.periodsPerYear);
      const last = periods[periods.length - 1]!;
      futureLabels = [1, 2, 3].map((h) => periodLabel(last.ordinal + h, last.periodsPerYear));
      futureTimes = [1, 2, 3].map((h) => (last.ordinal + h) / last.periodsPerYear);
    }
    const unit = unitOf(
      header,
      numeric.map((p) => p.cell),
    );
    const columnName = prettyHeader(
      header.replace(/\s*\([^)]*\)\s*$/, '').replace(/_(usd|eur|gbp)_per_\w+$/i, ''),
    );
    // A caption naming another measure ("Voltaris Energy revenue by year" over an employees
    // column) would mislabel this series: it is used only when it names this column or no
    // numeric column at all; otherwise the page title (without a " | Site" suffix) is.
    const context =
      captionFor(table, columnName, label.index) ?? source.title.replace(/\s+[|–—-]\s+[^|–—-]+$/, '');
    out.push({
      id: `${source.id}-t${tableIndex + 1}-c${c + 1}`,
      name:
        label.kind === 'time' || !context
          ? `${columnName} — ${context}`
          : `${columnName} by ${prettyHeader(table.headers[label.index] ?? 'label').toLowerCase()} — ${context}`,
      sourceId: source.id,
      table: tableIndex,
      column: header,
      labelColumn: table.headers[label.index] ?? '',
      ...(unit ? { unit } : {}),
      kind: label.kind,
      ...(label.periodsPerYear ? { periodsPerYear: label.periodsPerYear } : {}),
      points,
      stats: seriesStats(values, {
        labels,
        ...(label.periodsPerYear ? { periodsPerYear: label.periodsPerYear } : {}),
        ...(futureLabels ? { futureLabels } : {}),
        ...(times ? { times } : {}),
        ...(futureTimes ? { futureTimes } : {}),
      }),
    });
    if (out.length >= MAX_SERIES) break;
  }
  return out;
}

function captionFor(table: SourceTable, columnName: string, labelIndex: number): string | undefined {
  const caption = table.caption;
  if (!caption) return undefined;
  const lower = caption.toLowerCase();
  const names = table.headers
    .filter((_, i) => i !== labelIndex)
    .map((h) =>
      prettyHeader(h.replace(/\s*\([^)]*\)\s*$/, '').replace(/_(usd|eur|gbp)_per_\w+$/i, '')).toLowerCase(),
    );
  const own = columnName.toLowerCase();
  if (lower.includes(own)) return caption;
  return names.some((n) => n && lower.includes(n)) ? undefined : caption;
}
