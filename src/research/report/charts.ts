import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parsePeriod } from '../analyze/periods.js';
import { prettyHeader } from '../analyze/series.js';
import type { NamedEntity, Series } from '../analyze/types.js';

/**
 * Charts rendered on the server: a Vega-Lite spec per figure, compiled to Vega and rendered to
 * SVG headlessly (no canvas, no browser). Element ids are prefixed per chart so several SVGs can
 * share one HTML page without their clip paths colliding.
 */
const WIDTH = 560;
const HEIGHT = 220;
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: 'transparent' },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'top', labelLimit: 260 },
} as const;

async function renderSvg(spec: TopLevelSpec, prefix: string): Promise<string> {
  const runtime = vega.parse(compile(spec).spec);
  const view = new vega.View(runtime, { renderer: 'none', logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    return prefixIds(svg, prefix);
  } finally {
    view.finalize();
  }
}

function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

/** Observed values, moving average, linear trend and forecast with its interval. */
export async function timeSeriesChart(series: Series, id: string): Promise<string> {
  const s = series.stats;
  const rows: Array<Record<string, string | number | null>> = [];
  // The trend was fitted on real time (years), so it is drawn at each label's own time.
  const timeOf = (label: string, i: number): number => {
    const period = parsePeriod(label);
    return period ? period.ordinal / period.periodsPerYear : i;
  };
  series.points.forEach((p, i) => {
    rows.push({ label: p.label, value: p.value, layer: 'observed' });
    if (s.trend)
      rows.push({
        label: p.label,
        value: s.trend.intercept + s.trend.slope * (s.trend.perYear ? timeOf(p.label, i) : i),
        layer: 'linear trend',
      });
    const ma = s.movingAverage?.values[i];
    if (ma !== undefined && ma !== null)
      rows.push({ label: p.label, value: ma, layer: `${s.movingAverage!.window}-period moving average` });
  });
  const band: Array<Record<string, string | number>> = [];
  if (s.forecast) {
    const last = series.points[series.points.length - 1]!;
    rows.push({ label: last.label, value: last.value, layer: 'forecast' });
    for (const p of s.forecast.points) {
      rows.push({ label: p.label, value: p.value, layer: 'forecast' });
      band.push({ label: p.label, lower: p.lower, upper: p.upper });
    }
  }
  const anomalies = s.anomalies.map((a) => ({ label: a.label, value: a.value }));
  const order = [...series.points.map((p) => p.label), ...(s.forecast?.points.map((p) => p.label) ?? [])];
  // At most about 12 labelled ticks: every k-th period, so 70 years do not overlap.
  const step = Math.max(1, Math.ceil(order.length / 12));
  const x = {
    field: 'label',
    type: 'ordinal' as const,
    sort: order,
    title: prettyHeader(series.labelColumn || 'period'),
    axis: { labelAngle: 0, values: order.filter((_, i) => i % step === 0) },
  };
  const measure = prettyHeader(series.column.replace(/\s*\([^)]*\)\s*$/, ''));
  const yTitle = series.unit ? `${measure} (${series.unit})` : measure;
  // The scale follows the observations and the forecast interval, not the trend line.
  const shown = [
    ...series.points.map((p) => p.value),
    ...(s.forecast?.points.flatMap((p) => [p.lower, p.upper]) ?? []),
  ];
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  const domain = [lo - pad, hi + pad];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      ...(band.length > 0
        ? [
            {
              data: { values: band },
              mark: { type: 'area', opacity: 0.18, color: '#7c3aed' },
              encoding: {
                x,
                y: { field: 'lower', type: 'quantitative', title: yTitle, scale: { zero: false, domain } },
                y2: { field: 'upper' },
              },
            },
          ]
        : []),
      {
        data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 24 } },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: yTitle,
            scale: { zero: false, domain, clamp: true },
          },
          color: {
            field: 'layer',
            type: 'nominal',
            title: null,
            scale: {
              domain: [
                'observed',
                'linear trend',
                `${s.movingAverage?.window ?? 3}-period moving average`,
                'forecast',
              ],
              range: ['#2563eb', '#9ca3af', '#f59e0b', '#7c3aed'],
            },
          },
          strokeDash: {
            field: 'layer',
            type: 'nominal',
            scale: {
              domain: [
                'observed',
                'linear trend',
                `${s.movingAverage?.window ?? 3}-period moving average`,
                'forecast',
              ],
              range: [
                [1, 0],
                [4, 3],
                [1, 0],
                [6, 3],
              ],
            },
          },
        },
      },
      ...(anomalies.length > 0
        ? [
            {
              data: { values: anomalies },
              mark: { type: 'point', shape: 'diamond', size: 140, filled: true, color: '#dc2626' },
              encoding: { x, y: { field: 'value', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  } as unknown as TopLevelSpec;
  return renderSvg(spec, id);
}

/** One bar per category, in table order. */
export async function categoryChart(series: Series, id: string): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: Math.max(80, series.points.length * 26),
    config: CONFIG,
    data: { values: series.points },
    mark: { type: 'bar', color: '#2563eb' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      x: {
        field: 'value',
        type: 'quantitative',
        title: (() => {
          const measure = prettyHeader(series.column.replace(/\s*\([^)]*\)\s*$/, ''));
          return series.unit ? `${measure} (${series.unit})` : measure;
        })(),
      },
    },
  } as unknown as TopLevelSpec;
  return renderSvg(spec, id);
}

/** Mean sentence sentiment per entity, diverging around zero. */
export async function entitySentimentChart(entities: NamedEntity[], id: string): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: Math.max(80, entities.length * 22),
    config: CONFIG,
    data: { values: entities.map((e) => ({ name: e.name, sentiment: e.sentiment })) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: null, title: null },
      x: {
        field: 'sentiment',
        type: 'quantitative',
        title: 'mean sentence sentiment',
        scale: { domain: [-1, 1] },
      },
      color: { condition: { test: 'datum.sentiment < 0', value: '#dc2626' }, value: '#16a34a' },
    },
  } as unknown as TopLevelSpec;
  return renderSvg(spec, id);
}
