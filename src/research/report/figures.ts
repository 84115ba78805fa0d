import type { Series } from '../analyze/types.js';
import { Computations, show, withUnit } from './format.js';
import type { ReportClaim } from './types.js';

/**
 * Claims about each series: the observed change, CAGR, trend, anomalies and forecast for time
 * series; range and mean for categories. Source values are printed as they are; every derived
 * value carries its method.
 */
const PERIOD_NAME: Record<number, string> = { 1: 'year', 4: 'quarter', 12: 'month', 365: 'day' };

export const METHODS = {
  change: 'change = (last − first) / first',
  cagr: 'CAGR = (last / first)^(1 / years from first to last observation) − 1',
  trend: 'least-squares linear trend on the real dates; R² = share of variance explained',
  span: 'years from the first to the last observation',
  mean: 'arithmetic mean',
  periods: 'periods following the last observation',
} as const;

export function seriesClaims(series: Series, nextId: () => string): ReportClaim[] {
  const base = {
    section: 'figures' as const,
    group: series.id,
    citations: [series.sourceId],
    basis: 'sources' as const,
  };
  const s = series.stats;
  const unit = series.unit;
  const out: ReportClaim[] = [];
  const first = series.points[0]!;
  const last = series.points[series.points.length - 1]!;
  if (series.kind === 'category') {
    const top = series.points.reduce((a, b) => (b.value > a.value ? b : a));
    const bottom = series.points.reduce((a, b) => (b.value < a.value ? b : a));
    const c = new Computations();
    const mean = c.put(s.mean, Number.isInteger(s.mean) ? 0 : 2, METHODS.mean);
    out.push({
      ...base,
      id: nextId(),
      chart: `chart-${series.id}`,
      text: `${series.name}: highest ${top.label} at ${withUnit(show(top.value), unit)}, lowest ${bottom.label} at ${withUnit(show(bottom.value), unit)}; mean ${withUnit(mean, unit)} over ${c.put(s.n, 0, 'count of rows')} rows (${METHODS.mean}; count of rows).`,
      computed: c.values,
    });
    return out;
  }
  const period = PERIOD_NAME[series.periodsPerYear ?? 1] ?? 'period';
  if (s.constant) {
    const c = new Computations();
    out.push({
      ...base,
      id: nextId(),
      chart: `chart-${series.id}`,
      text: `${series.name} stayed at ${withUnit(show(first.value), unit)} in all ${c.put(s.n, 0, 'count of observations')} observations from ${first.label} to ${last.label} (count of observations): a constant series, so no trend or forecast is given.`,
      computed: c.values,
    });
    return out;
  }
  {
    const c = new Computations();
    let text = `${series.name} went from ${withUnit(show(first.value), unit)} in ${first.label} to ${withUnit(show(last.value), unit)} in ${last.label}`;
    if (s.changePct !== undefined)
      text += `, a change of ${c.put(s.changePct, 1, METHODS.change, { signed: true })}% (${METHODS.change})`;
    out.push({ ...base, id: nextId(), chart: `chart-${series.id}`, text: `${text}.`, computed: c.values });
  }
  if (s.gaps && s.gaps.length > 0) {
    const c = new Computations();
    const parts = s.gaps.map(
      (g) => `${c.put(g.missing, 0, 'count of missing periods')} between ${g.after} and ${g.before}`,
    );
    for (const g of s.gaps)
      for (const n of `${g.after} ${g.before}`.match(/\d+/g) ?? [])
        c.put(Number(n), 0, 'count of missing periods');
    out.push({
      ...base,
      id: nextId(),
      text: `Missing ${period}s in ${series.name} (count of missing periods): ${parts.join('; ')}. Growth and trend use the real dates, so the gaps are not read as single steps.`,
      computed: c.values,
    });
  }
  if (s.cagrPct !== undefined && s.spanYears !== undefined && series.points.length >= 3) {
    const c = new Computations();
    const cagr = c.put(s.cagrPct, 1, METHODS.cagr, { signed: true });
    const years = c.put(s.spanYears, Number.isInteger(s.spanYears) ? 0 : 2, METHODS.span);
    out.push({
      ...base,
      id: nextId(),
      text: `Compound annual growth rate over the ${years} years from ${first.label} to ${last.label}: ${cagr}% (${METHODS.cagr}; ${METHODS.span}).`,
      computed: c.values,
    });
  }
  if (s.trend) {
    const c = new Computations();
    const slope = c.put(s.trend.slope, Math.abs(s.trend.slope) >= 100 ? 0 : 2, METHODS.trend, {
      signed: true,
    });
    const r2 = c.put(s.trend.r2, 3, METHODS.trend);
    out.push({
      ...base,
      id: nextId(),
      text: `Linear trend: ${slope}${unit ? ` ${unit === '%' ? 'percentage points' : unit}` : ''} per ${s.trend.perYear ? 'year' : period}, R² = ${r2} (${METHODS.trend}).`,
      computed: c.values,
    });
  }
  for (const anomaly of s.anomalies) {
    const c = new Computations();
    const z = c.put(anomaly.z, 1, s.anomalyMethod, { signed: true });
    out.push({
      ...base,
      id: nextId(),
      text: `Anomaly: ${anomaly.label} at ${withUnit(show(anomaly.value), unit)} stands out with z = ${z} (${s.anomalyMethod}).`,
      computed: c.values,
    });
  }
  if (s.forecast) {
    const c = new Computations();
    const parts = s.forecast.points.map((p) => {
      for (const n of p.label.match(/\d+/g) ?? []) c.put(Number(n), 0, METHODS.periods);
      const d = Math.abs(p.value) >= 100 ? 0 : 2;
      return `${p.label}: ${withUnit(c.put(p.value, d, s.forecast!.method), unit)} (${c.put(p.lower, d, s.forecast!.method)} to ${c.put(p.upper, d, s.forecast!.method)})`;
    });
    out.push({
      ...base,
      id: nextId(),
      text: `Forecast for the next ${c.put(parts.length, 0, METHODS.periods)} ${period}s (${METHODS.periods}) with 95% prediction intervals: ${parts.join('; ')} (${s.forecast.method}).`,
      computed: [...c.values, { value: 95, decimals: 0, method: s.forecast.method }],
    });
  } else if (s.noForecast) {
    out.push({
      ...base,
      id: nextId(),
      text: `No forecast for ${series.name}: ${s.noForecast}.`,
      computed: [],
    });
  }
  return out;
}
