import {
  linearRegression,
  linearRegressionLine,
  max,
  mean,
  median,
  medianAbsoluteDeviation,
  min,
  rSquared,
  sampleStandardDeviation,
  sum,
} from 'simple-statistics';
import {
  compareModels,
  fitModel,
  MAX_MASE,
  type ModelScore,
  type TimePoint,
  tQuantile,
} from './time-models.js';
import type { Anomaly, Forecast, Gap, SeriesStats } from './types.js';

/**
 * Statistics of one series with simple-statistics: descriptive figures; for time series also
 * period growth, CAGR, a least-squares trend with R², a trailing moving average, robust z-score
 * anomalies of the residuals from the trend, and a short forecast with a prediction interval.
 */
export interface StatsOptions {
  /** Present for time series: 1 yearly, 4 quarterly, 12 monthly. */
  periodsPerYear?: number;
  movingAverageWindow?: number;
  forecastHorizon?: number;
  /** Labels for forecast periods (as many as the horizon). */
  futureLabels?: string[];
  labels: string[];
  /** Time of each point in years (2020, 2020.25, ...); default index / periodsPerYear. */
  times?: number[];
  /** Times of the forecast periods in years (as many as the horizon). */
  futureTimes?: number[];
}

/** A series whose spread is below this share of its level is constant: described, not modelled. */
const CONSTANT_SHARE = 1e-6;

/** |z| above this marks an anomaly (Iglewicz and Hoaglin's recommended cut-off). */
export const ANOMALY_Z = 3.5;
/** 0.6745 = Φ⁻¹(0.75): scales the MAD to the standard deviation of normal data. */
const MAD_SCALE = 0.6745;
/** Residuals smaller than this share of the mean level are never flagged (noise on a near-perfect fit). */
const MIN_ANOMALY_SHARE = 0.01;
export const FORECAST_LEVEL = 0.95;

/** Two-sided 95% Student t quantile t(0.975, df), from @stdlib (exact for every df). */
export function tQuantile975(df: number): number {
  return tQuantile(0.975, df);
}

export function seriesStats(values: number[], options: StatsOptions): SeriesStats {
  const n = values.length;
  const stats: SeriesStats = {
    n,
    min: min(values),
    max: max(values),
    mean: mean(values),
    median: median(values),
    stdDev: n > 1 ? sampleStandardDeviation(values) : 0,
    sum: sum(values),
    anomalies: [],
    anomalyMethod: `robust z-score ${MAD_SCALE} × (x − median) / MAD of the values, |z| > ${ANOMALY_Z}`,
  };
  if (options.periodsPerYear === undefined || n < 2) {
    stats.anomalies = robustAnomalies(values, values, options.labels, stats.mean);
    return stats;
  }
  const first = values[0]!;
  const last = values[n - 1]!;
  stats.first = first;
  stats.last = last;
  if (first !== 0) stats.changePct = ((last - first) / Math.abs(first)) * 100;
  const ppy = options.periodsPerYear;
  const times = options.times ?? values.map((_, i) => i / ppy);
  const span = times[n - 1]! - times[0]!;
  stats.spanYears = span;
  stats.gaps = gapsOf(times, options.labels, ppy);
  if (stats.max - stats.min <= CONSTANT_SHARE * Math.max(1, Math.abs(stats.mean))) {
    // Nothing to model: R² is undefined (no variance) and any trend is float noise.
    stats.constant = true;
    return stats;
  }
  stats.growthRates = values
    .slice(1)
    .map((v, i) => (values[i] === 0 ? null : ((v - values[i]!) / Math.abs(values[i]!)) * 100));
  const defined = stats.growthRates.filter((g): g is number => g !== null);
  if (defined.length > 0) stats.meanGrowthPct = mean(defined);
  // Over the real span: a missing year lengthens the span, it does not shorten it.
  if (first > 0 && last > 0 && span > 0) stats.cagrPct = ((last / first) ** (1 / span) - 1) * 100;
  const window = options.movingAverageWindow ?? defaultWindow(ppy);
  if (n >= window) {
    stats.movingAverage = {
      window,
      values: values.map((_, i) => (i + 1 < window ? null : mean(values.slice(i + 1 - window, i + 1)))),
    };
  }
  if (n >= 3) {
    const points = values.map((v, i) => [times[i]!, v] as [number, number]);
    const fit = linearRegression(points);
    const line = linearRegressionLine(fit);
    stats.trend = { slope: fit.m, intercept: fit.b, r2: rSquared(points, line), perYear: true };
    // Anomalies are scored on the residuals of the better-fitting curve (a straight line makes the
    // ends of an exponential series look anomalous) and left out of every model fit.
    const curve = bestCurve(times, values);
    const residuals = values.map((v, i) => v - curve(times[i]!));
    stats.anomalies = robustAnomalies(residuals, values, options.labels, stats.mean);
    stats.anomalyMethod = `robust z-score ${MAD_SCALE} × (r − median) / MAD of the residuals r from the fitted trend, |z| > ${ANOMALY_Z}`;
    const flagged = new Set(stats.anomalies.map((a) => a.index));
    const kept = values.map((y, i) => ({ t: times[i]!, y })).filter((_, i) => !flagged.has(i));
    const chosen = chooseForecast(
      kept,
      ppy,
      options,
      values.every((v) => v >= 0),
    );
    if (chosen.forecast) stats.forecast = chosen.forecast;
    if (chosen.models.length > 0) stats.models = chosen.models;
    if (chosen.reason) stats.noForecast = chosen.reason;
  } else {
    stats.anomalies = robustAnomalies(values, values, options.labels, stats.mean);
  }
  return stats;
}

/** Missing periods between consecutive points (times in years). */
function gapsOf(times: number[], labels: string[], ppy: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < times.length; i++) {
    const missing = Math.round((times[i]! - times[i - 1]!) * ppy) - 1;
    if (missing > 0) gaps.push({ after: labels[i - 1] ?? '', before: labels[i] ?? '', missing });
  }
  return gaps;
}

/** The linear or (for a positive series) log-linear curve with the smaller squared error. */
function bestCurve(times: number[], values: number[]): (t: number) => number {
  const points = times.map((t, i) => ({ t, y: values[i]! }));
  const sse = (f: (t: number) => number) => sum(points.map((p) => (p.y - f(p.t)) ** 2));
  const linear = fitModel('linear', points)!;
  const candidates = [(t: number) => linear.predict(t).value];
  const log = fitModel('log-linear', points);
  if (log) candidates.push((t: number) => log.predict(t).value);
  return candidates.reduce((a, b) => (sse(b) < sse(a) ? b : a));
}

function chooseForecast(
  points: TimePoint[],
  ppy: number,
  options: StatsOptions,
  nonNegative: boolean,
): { forecast?: Forecast; models: ModelScore[]; reason?: string } {
  const horizon = options.forecastHorizon ?? 3;
  if (horizon < 1) return { models: [] };
  const models = compareModels(points, ppy);
  if (models.length === 0) return { models, reason: 'too few points to test a model on a hold-out' };
  const best = models[0]!;
  if (best.mase > MAX_MASE)
    return {
      models,
      reason: `no model fits: the best, ${best.model}, has hold-out MASE ${best.mase.toFixed(2)} > ${MAX_MASE}`,
    };
  const fitted = fitModel(best.model, points)!;
  const lastT = points[points.length - 1]!.t;
  const forecastPoints = Array.from({ length: horizon }, (_, h) => {
    const t = options.futureTimes?.[h] ?? lastT + (h + 1) / ppy;
    const p = fitted.predict(t);
    // A series that was never negative (prices, counts) is not forecast below zero.
    const lower = nonNegative ? Math.max(0, p.lower) : p.lower;
    return { label: options.futureLabels?.[h] ?? `t+${h + 1}`, value: p.value, lower, upper: p.upper };
  });
  const others = models
    .slice(1)
    .map((m) => `${m.model} ${m.mase.toFixed(2)}`)
    .join(', ');
  return {
    models,
    forecast: {
      model: best.model,
      method: `${best.model} model chosen on a hold-out of the last ${best.holdout} points (MASE ${best.mase.toFixed(2)}${others ? `; ${others}` : ''}), refitted on all points${points.length < (options.times?.length ?? points.length) ? ' except the anomalies' : ''}; 95% prediction interval ${fitted.interval}${nonNegative ? ', lower bound at least 0' : ''}`,
      level: FORECAST_LEVEL,
      points: forecastPoints,
    },
  };
}

function defaultWindow(periodsPerYear: number): number {
  return periodsPerYear === 12 ? 3 : periodsPerYear === 4 ? 4 : 2;
}

function robustAnomalies(scores: number[], values: number[], labels: string[], level: number): Anomaly[] {
  if (scores.length < 4) return [];
  const center = median(scores);
  const mad = medianAbsoluteDeviation(scores);
  if (mad === 0) return [];
  const out: Anomaly[] = [];
  scores.forEach((score, index) => {
    const z = (MAD_SCALE * (score - center)) / mad;
    if (Math.abs(z) > ANOMALY_Z && Math.abs(score - center) >= MIN_ANOMALY_SHARE * Math.abs(level)) {
      out.push({ index, label: labels[index] ?? String(index), value: values[index]!, z });
    }
  });
  return out;
}
