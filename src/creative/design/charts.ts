import { seriesStats } from '../../research/analyze/stats.js';
import type { Series } from '../../research/analyze/types.js';
import type { ContentFact } from '../evidence.js';
import { decoding, loadSharp } from './image-input.js';

/**
 * Charts for the series the knowledge base holds, drawn through the research report's Vega-Lite
 * path (src/research/report/charts.ts: spec → Vega → SVG, no browser) and rasterised to PNG by
 * sharp. A knowledge-base series is one numeric predicate across subjects (employees per
 * company, population per city), one current value each; research series (tables over time or
 * categories) come with the evidence. Each chart names every source its points come from.
 */
export interface SeriesChart {
  id: string;
  title: string;
  svg: string;
  png: Buffer;
  /** Source ids (the evidence corpus) the points come from. */
  sources: string[];
}

const MAX_POINTS = 20;

export function seriesFromFacts(facts: ContentFact[]): Array<{ series: Series; sources: string[] }> {
  const byPredicate = new Map<string, Map<string, ContentFact>>();
  for (const fact of facts) {
    if (fact.kind !== 'fact' || fact.number === undefined || fact.sources.length === 0) continue;
    const bySubject = byPredicate.get(fact.predicate) ?? new Map<string, ContentFact>();
    const existing = bySubject.get(fact.subject);
    if (!existing || fact.weight > existing.weight) bySubject.set(fact.subject, fact);
    byPredicate.set(fact.predicate, bySubject);
  }
  const out: Array<{ series: Series; sources: string[] }> = [];
  for (const [predicate, bySubject] of [...byPredicate.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (bySubject.size < 2) continue;
    const points = [...bySubject.values()]
      .sort((a, b) => b.number! - a.number! || a.subject.localeCompare(b.subject))
      .slice(0, MAX_POINTS);
    const values = points.map((p) => p.number!);
    const labels = points.map((p) => p.subject);
    const name = `${predicate.replace(/[_.-]+/g, ' ')} by subject`;
    const unit = points[0]!.unit;
    out.push({
      series: {
        id: `kb-${predicate.replace(/[^\w-]/g, '-')}`,
        name: name.charAt(0).toUpperCase() + name.slice(1),
        sourceId: points[0]!.sources[0]!,
        table: 0,
        column: predicate,
        labelColumn: 'subject',
        ...(unit ? { unit } : {}),
        kind: 'category',
        points: points.map((p) => ({ label: p.subject, value: p.number! })),
        stats: seriesStats(values, { labels }),
      },
      sources: [...new Set(points.flatMap((p) => p.sources))].sort(),
    });
  }
  return out;
}

export async function renderSeriesCharts(
  items: Array<{ series: Series; sources: string[] }>,
): Promise<SeriesChart[]> {
  if (items.length === 0) return [];
  // vega and vega-lite load with the first chart, not at start-up.
  const { categoryChart, timeSeriesChart } = await import('../../research/report/charts.js');
  const sharp = await loadSharp();
  const out: SeriesChart[] = [];
  for (const { series, sources } of items) {
    const id = `chart-${series.id}`;
    const svg = series.kind === 'time' ? await timeSeriesChart(series, id) : await categoryChart(series, id);
    const png = await decoding('chart', () =>
      sharp(Buffer.from(svg), { density: 144 }).flatten({ background: '#ffffff' }).png().toBuffer(),
    );
    out.push({ id, title: series.name, svg, png, sources });
  }
  return out;
}
