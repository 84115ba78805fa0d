import { describe, expect, it } from 'vitest';
import { numbersIn, parseCell } from '../../src/research/analyze/numbers.js';
import { parsePeriod, periodLabel } from '../../src/research/analyze/periods.js';
import { tableSeries } from '../../src/research/analyze/series.js';
import { seriesStats } from '../../src/research/analyze/stats.js';
import type { CorpusSource } from '../../src/research/types.js';

const source = (tables: CorpusSource['tables']): CorpusSource => ({
  id: 's1',
  url: 'http://example.test/',
  title: 'Test',
  text: '',
  fetchedAt: '2026-01-01T00:00:00.000Z',
  contentHash: '',
  status: 'ok',
  depth: 0,
  via: 'seed',
  ...(tables ? { tables } : {}),
});

describe('series statistics (expected values worked out by hand)', () => {
  // 100, 110, 121, 133.1: exactly +10% a year.
  const values = [100, 110, 121, 133.1];
  const stats = seriesStats(values, {
    labels: ['2021', '2022', '2023', '2024'],
    periodsPerYear: 1,
    futureLabels: ['2025', '2026', '2027'],
  });

  it('descriptive statistics', () => {
    expect(stats.n).toBe(4);
    expect(stats.min).toBe(100);
    expect(stats.max).toBe(133.1);
    expect(stats.mean).toBeCloseTo(116.025, 10); // 464.1 / 4
    expect(stats.median).toBeCloseTo(115.5, 10); // (110 + 121) / 2
    expect(stats.stdDev).toBeCloseTo(14.252573, 5); // √(609.4075 / 3)
  });

  it('growth, change and CAGR', () => {
    expect(stats.growthRates!.map((g) => Number(g!.toFixed(10)))).toEqual([10, 10, 10]);
    expect(stats.changePct).toBeCloseTo(33.1, 10);
    expect(stats.cagrPct).toBeCloseTo(10, 10); // (133.1 / 100)^(1/3) − 1
  });

  it('least-squares trend and R²', () => {
    // x̄ = 1.5, Sxx = 5, Sxy = 55.15 → slope 11.03, intercept 116.025 − 1.5 × 11.03 = 99.48.
    expect(stats.trend!.slope).toBeCloseTo(11.03, 10);
    expect(stats.trend!.intercept).toBeCloseTo(99.48, 10);
    // SSE = 0.52² + 0.51² + 0.54² + 0.53² = 1.103; SST = 609.4075.
    expect(stats.trend!.r2).toBeCloseTo(1 - 1.103 / 609.4075, 10);
  });

  it('moving average (window 2 for yearly data)', () => {
    expect(stats.movingAverage).toEqual({ window: 2, values: [null, 105, 115.5, 127.05] });
  });

  it('no forecast from four points: too few to test a model on a hold-out', () => {
    expect(stats.forecast).toBeUndefined();
    expect(stats.noForecast).toMatch(/too few points/);
  });

  it('robust z-score anomalies', () => {
    // median 11, MAD 1 → z(50) = 0.6745 × 39 = 26.3055; every other |z| ≤ 0.6745.
    const spiky = seriesStats([10, 11, 10, 12, 11, 10, 50, 11, 10, 12], { labels: 'abcdefghij'.split('') });
    expect(spiky.anomalies).toHaveLength(1);
    expect(spiky.anomalies[0]).toMatchObject({ index: 6, label: 'g', value: 50 });
    expect(spiky.anomalies[0]!.z).toBeCloseTo(26.3055, 10);
    expect(stats.anomalies).toEqual([]);
  });

  it('monthly CAGR uses 12 periods a year', () => {
    const months = Array.from({ length: 13 }, (_, i) => 100 + (21 * i) / 12);
    const monthly = seriesStats(months, { labels: months.map(String), periodsPerYear: 12 });
    expect(monthly.cagrPct).toBeCloseTo(21, 10); // (121 / 100)^(12 / 12) − 1
  });
});

describe('tables into series', () => {
  it('turns a year table into time series, sorted, with units from the header', () => {
    const table = {
      caption: 'Revenue by year',
      headers: ['Year', 'Revenue (USD million)', 'Employees'],
      rows: [
        ['2023', '640', '1,520'],
        ['2021', '310', '820'],
        ['2025', '1,240', '2,300'],
        ['2022', '455', '1,140'],
        ['2024', '910', '1,890'],
      ],
    };
    const series = tableSeries(source([table]), table, 0);
    expect(series.map((s) => [s.column, s.unit, s.kind, s.periodsPerYear])).toEqual([
      ['Revenue (USD million)', 'USD million', 'time', 1],
      ['Employees', undefined, 'time', 1],
    ]);
    expect(series[0]!.points.map((p) => p.label)).toEqual(['2021', '2022', '2023', '2024', '2025']);
    expect(series[0]!.stats.cagrPct).toBeCloseTo((Math.SQRT2 - 1) * 100, 8); // (1240 / 310)^(1/4) − 1 = √2 − 1
  });

  it('turns a product table into category series and skips text columns', () => {
    const [price] = tableSeries(
      source(undefined),
      {
        headers: ['Product', 'Company', 'Price (USD)'],
        rows: [
          ['A', 'X', '$8,450'],
          ['B', 'Y', '$6,590'],
          ['C', 'Z', '$7,380'],
        ],
      },
      0,
    );
    expect(price).toMatchObject({ kind: 'category', unit: 'USD', labelColumn: 'Product' });
    expect(price!.stats.mean).toBeCloseTo(22420 / 3, 10);
    expect(price!.stats.trend).toBeUndefined();
  });
});

describe('numbers and periods', () => {
  it('reads numbers with currency, scale and percent', () => {
    expect(numbersIn('Revenue reached $1,240 million, up 36.3%, and EUR 480 million; 2,300 staff.')).toEqual([
      { raw: '$1,240 million', value: 1_240_000_000, currency: 'USD' },
      { raw: '36.3%', value: 36.3, percent: true },
      { raw: 'EUR 480 million', value: 480_000_000, currency: 'EUR' },
      { raw: '2,300', value: 2300 },
    ]);
    expect(parseCell('$8,450')?.value).toBe(8450);
    expect(parseCell('(12)')?.value).toBe(-12);
    expect(parseCell('NB-9')).toBeUndefined();
  });

  it('parses period labels and names the next ones', () => {
    expect(parsePeriod('2025-03')).toEqual({ ordinal: 2025 * 12 + 2, periodsPerYear: 12 });
    expect(parsePeriod('Mar 2025')).toEqual(parsePeriod('2025-03'));
    expect(parsePeriod('Q2 2025')).toEqual({ ordinal: 2025 * 4 + 1, periodsPerYear: 4 });
    expect(parsePeriod('2025')).toEqual({ ordinal: 2025, periodsPerYear: 1 });
    expect(parsePeriod('Widget')).toBeUndefined();
    expect(periodLabel(2025 * 12 + 11 + 1, 12)).toBe('2026-01');
    expect(periodLabel(2025 * 4 + 3 + 1, 4)).toBe('2026-Q1');
  });
});

describe('series names', () => {
  it('take the caption only when it does not name another column', () => {
    const table = {
      caption: 'Orbel revenue by year',
      headers: ['Year', 'Revenue (USD million)', 'Employees'],
      rows: [
        ['2021', '10', '100'],
        ['2022', '12', '110'],
        ['2023', '15', '130'],
      ],
    };
    const names = tableSeries({ ...source([table]), title: 'Orbel Dynamics | Pump News' }, table, 0).map(
      (s) => s.name,
    );
    expect(names).toEqual(['Revenue — Orbel revenue by year', 'Employees — Orbel Dynamics']);
  });
});
