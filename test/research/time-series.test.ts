import { readFileSync } from 'node:fs';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/research/analyze/periods.js';
import { seriesStats, tQuantile975 } from '../../src/research/analyze/stats.js';

/**
 * Time-series statistics on real time. Fixtures: series written here, and real public CSVs from
 * the `vega-datasets` package (BSD-3-Clause package):
 *  - co2-concentration.csv: Mauna Loa monthly CO2 (Scripps CO2 Program, CC BY 4.0), with
 *    missing months;
 *  - global-temp.csv: NASA GISS land-ocean temperature anomalies (U.S. Government work), which
 *    go below zero;
 *  - stocks.csv: monthly closing prices of five companies, 2000–2010.
 */
const years = (ys: number[]) => ({ labels: ys.map(String), times: ys, periodsPerYear: 1 });

describe('time series on real time', () => {
  it('a missing year is a gap: slope per real year, CAGR over the real span', () => {
    const ys = [2018, 2019, 2021, 2022, 2023];
    const values = ys.map((y) => 100 + 10 * (y - 2018));
    const s = seriesStats(values, years(ys));
    expect(s.gaps).toEqual([{ after: '2019', before: '2021', missing: 1 }]);
    expect(s.trend!.slope).toBeCloseTo(10, 10);
    expect(s.trend!.perYear).toBe(true);
    expect(s.spanYears).toBe(5);
    expect(s.cagrPct).toBeCloseTo(((150 / 100) ** (1 / 5) - 1) * 100, 10);
  });

  it('uses the exact t quantile, also above 30 degrees of freedom', () => {
    expect(tQuantile975(2)).toBeCloseTo(4.302653, 6);
    expect(tQuantile975(40)).toBeCloseTo(2.021075, 6);
    expect(tQuantile975(120)).toBeCloseTo(1.97993, 6);
  });

  it('chooses the log-linear model for an exponential series, with positive bounds', () => {
    const ys = Array.from({ length: 14 }, (_, i) => 2010 + i);
    // 20% a year with a small deterministic wobble (±1%), so the fit is not exact.
    const values = ys.map((_, i) => 100 * 1.2 ** i * (1 + 0.01 * Math.sin(i * 1.7)));
    const s = seriesStats(values, {
      ...years(ys),
      futureLabels: ['2024', '2025', '2026'],
      futureTimes: [2024, 2025, 2026],
    });
    expect(s.forecast?.model).toBe('log-linear');
    expect(s.models![0]!.model).toBe('log-linear');
    const next = s.forecast!.points[0]!;
    expect(next.value).toBeGreaterThan(values.at(-1)!);
    expect(next.value / (100 * 1.2 ** 14)).toBeCloseTo(1, 1);
    expect(next.lower).toBeGreaterThan(0);
    expect(s.forecast!.method).toMatch(/log-linear model chosen on a hold-out of the last \d+ points \(MASE/);
    expect(s.forecast!.method).toMatch(/t\(0\.975, \d+ df\) = \d\.\d{3}/);
  });

  it('describes a constant series instead of modelling it', () => {
    const s = seriesStats([5, 5, 5, 5, 5, 5, 5, 5], years([2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023]));
    expect(s.constant).toBe(true);
    expect(s.trend).toBeUndefined();
    expect(s.forecast).toBeUndefined();
    expect(s.anomalies).toEqual([]);
  });

  it('flags an outlier and leaves it out of the fit', () => {
    const ys = Array.from({ length: 12 }, (_, i) => 2012 + i);
    const clean = ys.map((_, i) => 50 + 3 * i + 0.6 * Math.sin(i * 2.3));
    const spiked = clean.map((v, i) => (i === 7 ? v + 60 : v));
    const s = seriesStats(spiked, years(ys));
    expect(s.anomalies.map((a) => a.label)).toEqual(['2019']);
    const without = seriesStats(
      clean.filter((_, i) => i !== 7),
      years(ys.filter((_, i) => i !== 7)),
    );
    expect(s.forecast!.points[0]!.value).toBeCloseTo(without.forecast!.points[0]!.value, 8);
    expect(s.forecast!.method).toMatch(/except the anomalies/);
  });

  it('never forecasts a price below zero', () => {
    const ys = Array.from({ length: 10 }, (_, i) => 2000 + i);
    const falling = ys.map((_, i) => 40 - 4 * i + (i % 3) * 2);
    const s = seriesStats(falling, years(ys));
    for (const p of s.forecast?.points ?? []) expect(p.lower).toBeGreaterThanOrEqual(0);
  });
});

describe('real public series (vega-datasets)', () => {
  const csv = (name: string) =>
    parse(readFileSync(new URL(`../../node_modules/vega-datasets/data/${name}`, import.meta.url), 'utf8'), {
      columns: true,
    }) as Array<Record<string, string>>;

  it('Mauna Loa CO2: missing months reported, and the accelerating rise is not forecast to fall', () => {
    const rows = csv('co2-concentration.csv');
    const labels = rows.map((r) => r.Date!.slice(0, 7));
    const periods = labels.map((l) => parsePeriod(l)!);
    const values = rows.map((r) => Number(r.CO2));
    const s = seriesStats(values, { labels, times: periods.map((p) => p.ordinal / 12), periodsPerYear: 12 });
    expect(s.gaps!.length).toBeGreaterThan(0);
    expect(s.gaps![0]).toMatchObject({ after: '1958-05', before: '1958-07', missing: 1 });
    const lastYear = values.slice(-12).reduce((a, b) => a + b, 0) / 12;
    const ahead = s.forecast!.points.map((p) => p.value);
    expect(Math.max(...ahead)).toBeGreaterThan(lastYear - 5);
    expect(s.forecast!.model).not.toBe('linear');
  });

  it('global temperature anomalies: no log model for a series below zero, bounds may be negative', () => {
    const rows = csv('global-temp.csv');
    const ys = rows.map((r) => Number(r.year));
    const s = seriesStats(
      rows.map((r) => Number(r.temp)),
      years(ys),
    );
    expect(s.models!.map((m) => m.model)).not.toContain('log-linear');
    expect(s.gaps).toEqual([]);
    expect(s.trend!.slope).toBeGreaterThan(0);
  });

  it('stock prices: every forecast bound is a possible price', () => {
    const rows = csv('stocks.csv').filter((r) => r.symbol === 'AMZN');
    const labels = rows.map((r) => {
      const d = new Date(`${r.date} UTC`);
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    });
    const s = seriesStats(
      rows.map((r) => Number(r.price)),
      { labels, times: labels.map((l) => parsePeriod(l)!.ordinal / 12), periodsPerYear: 12 },
    );
    for (const p of s.forecast?.points ?? []) expect(p.lower).toBeGreaterThanOrEqual(0);
    expect(s.forecast !== undefined || s.noForecast !== undefined).toBe(true);
  });
});
