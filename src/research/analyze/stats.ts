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
import type { Anomaly, Forecast, SeriesStats } from './types.js';

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
}

/** |z| above this marks an anomaly (Iglewicz and Hoaglin's recommended cut-off). */
export const ANOMALY_Z = 3.5;
/** 0.6745 = Φ⁻¹(0.75): scales the MAD to the standard deviation of normal data. */
const MAD_SCALE = 0.6745;
/** Residuals smaller than this share of the mean level are never flagged (noise on a near-perfect fit). */
const MIN_ANOMALY_SHARE = 0.01;
export const FORECAST_LEVEL = 0.95;

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30; above 30 the normal 1.96 is used. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  return df >= 1 && df <= 30 ? T_975[df - 1]! : 1.96;
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
  stats.growthRates = values
    .slice(1)
    .map((v, i) => (values[i] === 0 ? null : ((v - values[i]!) / Math.abs(values[i]!)) * 100));
  const defined = stats.growthRates.filter((g): g is number => g !== null);
  if (defined.length > 0) stats.meanGrowthPct = mean(defined);
  if (first > 0 && last > 0) stats.cagrPct = ((last / first) ** (options.periodsPerYear / (n - 1)) - 1) * 100;
  const window = options.movingAverageWindow ?? defaultWindow(options.periodsPerYear);
  if (n >= window) {
    stats.movingAverage = {
      window,
      values: values.map((_, i) => (i + 1 < window ? null : mean(values.slice(i + 1 - window, i + 1)))),
    };
  }
  if (n >= 3) {
    const points = values.map((v, i) => [i, v] as [number, number]);
    const fit = linearRegression(points);
    const line = linearRegressionLine(fit);
    stats.trend = { slope: fit.m, intercept: fit.b, r2: rSquared(points, line) };
    const residuals = values.map((v, i) => v - line(i));
    stats.anomalies = robustAnomalies(residuals, values, options.labels, stats.mean);
    stats.anomalyMethod = `robust z-score ${MAD_SCALE} × (r − median) / MAD of the residuals r from the linear trend, |z| > ${ANOMALY_Z}`;
    stats.forecast = forecast(values, fit, options);
  } else {
    stats.anomalies = robustAnomalies(values, values, options.labels, stats.mean);
  }
  return stats;
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

/**
 * Linear-trend forecast with a 95% prediction interval:
 * ŷ ± t(0.975, n − 2) · s · √(1 + 1/n + (x − x̄)² / Sxx), s = √(SSE / (n − 2)).
 */
function forecast(
  values: number[],
  fit: { m: number; b: number },
  options: StatsOptions,
): Forecast | undefined {
  const n = values.length;
  const horizon = options.forecastHorizon ?? 3;
  if (n < 4 || horizon < 1) return undefined;
  const xs = values.map((_, i) => i);
  const xBar = mean(xs);
  const sxx = sum(xs.map((x) => (x - xBar) ** 2));
  const sse = sum(values.map((v, i) => (v - (fit.b + fit.m * i)) ** 2));
  const s = Math.sqrt(sse / (n - 2));
  const t = tQuantile975(n - 2);
  const points = Array.from({ length: horizon }, (_, h) => {
    const x = n + h;
    const value = fit.b + fit.m * x;
    const half = t * s * Math.sqrt(1 + 1 / n + (x - xBar) ** 2 / sxx);
    return {
      label: options.futureLabels?.[h] ?? `t+${h + 1}`,
      value,
      lower: value - half,
      upper: value + half,
    };
  });
  return {
    method: `least-squares linear trend; 95% prediction interval ŷ ± t(0.975, ${n - 2}) · s · √(1 + 1/n + (x − x̄)²/Sxx)`,
    level: FORECAST_LEVEL,
    points,
  };
}
