import quantile from '@stdlib/stats-base-dists-t-quantile';
import { linearRegression, mean, sum } from 'simple-statistics';

/**
 * Forecast models for a time series with real time as x (years, e.g. 2020.25 for 2020-Q2):
 *  - linear: y = a + b·t, least squares;
 *  - log-linear: ln y = a + b·t (constant percentage growth), only for positive series;
 *  - seasonal-naive with drift: y(t) = y(t − k years) + k · (mean year-on-year change), only for
 *    quarterly or monthly series (a seasonal series that also trends, like CO2 at Mauna Loa).
 * Each is scored on a hold-out of the last points (fitted on the rest) by the mean absolute
 * scaled error (MASE: hold-out MAE / in-sample MAE of the one-step naive forecast, Hyndman &
 * Koehler 2006); the lowest wins and is refitted on every point. A model whose MASE is above
 * MAX_MASE does not fit, and no forecast is given.
 */
export type ModelName = 'linear' | 'log-linear' | 'seasonal-naive';

export interface TimePoint {
  t: number;
  y: number;
}

export interface ModelScore {
  model: ModelName;
  /** Mean absolute scaled error on the hold-out. */
  mase: number;
  holdout: number;
}

export interface Prediction {
  value: number;
  lower: number;
  upper: number;
}

/** Above this hold-out MASE a model is worse than twice the naive one-step error: no forecast. */
export const MAX_MASE = 2;

/** Student t quantile from @stdlib (exact for every df, not the normal 1.96 above df 30). */
export function tQuantile(p: number, df: number): number {
  return quantile(p, df);
}

interface Fitted {
  predict(t: number): Prediction;
  /** Formula of the interval, for the report. */
  interval: string;
}

/** Least squares of y on t with the 95% prediction interval ŷ ± t(0.975, n−2)·s·√(1 + 1/n + (t − t̄)²/Stt). */
function linearOn(
  points: TimePoint[],
  transform: (y: number) => number,
  back: (y: number) => number,
): Fitted {
  const xs = points.map((p) => p.t);
  const ys = points.map((p) => transform(p.y));
  const fit = linearRegression(xs.map((x, i) => [x, ys[i]!]));
  const n = points.length;
  const tBar = mean(xs);
  const stt = sum(xs.map((x) => (x - tBar) ** 2));
  const sse = sum(ys.map((y, i) => (y - (fit.b + fit.m * xs[i]!)) ** 2));
  const s = n > 2 ? Math.sqrt(sse / (n - 2)) : 0;
  const q = n > 2 ? tQuantile(0.975, n - 2) : Number.NaN;
  return {
    predict(t) {
      const center = fit.b + fit.m * t;
      const half = q * s * Math.sqrt(1 + 1 / n + (t - tBar) ** 2 / (stt || 1));
      return { value: back(center), lower: back(center - half), upper: back(center + half) };
    },
    interval: `ŷ ± t(0.975, ${n - 2} df) = ${q.toFixed(3)} · s · √(1 + 1/n + (t − t̄)²/Stt)`,
  };
}

/** y(t) = y(t − k years) + k · drift for the smallest whole k with an observation; interval from the seasonal differences. */
function seasonalNaive(points: TimePoint[]): Fitted | undefined {
  const byTime = new Map(points.map((p) => [Math.round(p.t * 1000), p.y]));
  const diffs: number[] = [];
  for (const p of points) {
    const prior = byTime.get(Math.round((p.t - 1) * 1000));
    if (prior !== undefined) diffs.push(p.y - prior);
  }
  if (diffs.length < 2) return undefined;
  const drift = mean(diffs);
  const sd = Math.sqrt(sum(diffs.map((d) => (d - drift) ** 2)) / (diffs.length - 1));
  const q = tQuantile(0.975, diffs.length - 1);
  const lastT = Math.max(...points.map((p) => p.t));
  return {
    predict(t) {
      for (let k = 1; t - k >= lastT - 1 - 1e-9; k++) {
        const v = byTime.get(Math.round((t - k) * 1000));
        if (v !== undefined) {
          const half = q * sd * Math.sqrt(k);
          const value = v + k * drift;
          return { value, lower: value - half, upper: value + half };
        }
      }
      return { value: Number.NaN, lower: Number.NaN, upper: Number.NaN };
    },
    interval: `ŷ ± t(0.975, ${diffs.length - 1} df) = ${q.toFixed(3)} · s of the year-on-year changes · √k`,
  };
}

export function fitModel(model: ModelName, points: TimePoint[]): Fitted | undefined {
  if (model === 'linear')
    return linearOn(
      points,
      (y) => y,
      (y) => y,
    );
  if (model === 'log-linear') {
    if (points.some((p) => p.y <= 0)) return undefined;
    return linearOn(points, Math.log, Math.exp);
  }
  return seasonalNaive(points);
}

/** The candidate models for a series: log-linear needs positive values, seasonal-naive sub-yearly data. */
export function candidateModels(points: TimePoint[], periodsPerYear: number): ModelName[] {
  const models: ModelName[] = ['linear'];
  if (points.every((p) => p.y > 0)) models.push('log-linear');
  if (periodsPerYear === 4 || periodsPerYear === 12) models.push('seasonal-naive');
  return models;
}

/** Hold-out size: a fifth of the points, at least 2 and at most one year of periods (and 3 for yearly data). */
export function holdoutSize(n: number, periodsPerYear: number): number {
  return Math.max(2, Math.min(Math.floor(n / 5), Math.max(3, periodsPerYear)));
}

/** Scores each candidate on the last points, fitted on the rest. */
export function compareModels(points: TimePoint[], periodsPerYear: number): ModelScore[] {
  const h = holdoutSize(points.length, periodsPerYear);
  const train = points.slice(0, points.length - h);
  const test = points.slice(points.length - h);
  if (train.length < 4) return [];
  const naive = mean(train.slice(1).map((p, i) => Math.abs(p.y - train[i]!.y))) || 1e-12;
  const scores: ModelScore[] = [];
  for (const model of candidateModels(points, periodsPerYear)) {
    const fitted = fitModel(model, train);
    if (!fitted) continue;
    const errors = test.map((p) => Math.abs(fitted.predict(p.t).value - p.y));
    if (errors.some((e) => !Number.isFinite(e))) continue;
    scores.push({ model, mase: mean(errors) / naive, holdout: h });
  }
  return scores.sort((a, b) => a.mase - b.mase);
}
