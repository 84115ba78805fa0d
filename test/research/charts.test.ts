import { describe, expect, it } from 'vitest';
import { seriesStats } from '../../src/research/analyze/stats.js';
import type { Series } from '../../src/research/analyze/types.js';
import { timeSeriesChart } from '../../src/research/report/charts.js';

describe('time-series charts', () => {
  const years = Array.from({ length: 70 }, (_, i) => 1950 + i);
  const values = years.map((_, i) => 300 + 1.5 * i + 0.01 * i * i + Math.sin(i));
  const series: Series = {
    id: 's1-t1-c2',
    name: 'Concentration — Station record',
    sourceId: 's1',
    table: 0,
    column: 'Concentration (ppm)',
    labelColumn: 'Year',
    unit: 'ppm',
    kind: 'time',
    periodsPerYear: 1,
    points: years.map((y, i) => ({ label: String(y), value: values[i]! })),
    stats: seriesStats(values, { labels: years.map(String), times: years, periodsPerYear: 1 }),
  };

  it('titles both axes with the measure and its unit, and labels at most about 12 periods', async () => {
    const svg = await timeSeriesChart(series, 'c1');
    expect(svg).toContain('Concentration (ppm)');
    expect(svg).toContain('>Year<');
    const labelled = years.filter((y) => svg.includes(`>${y}<`));
    expect(labelled.length).toBeLessThanOrEqual(13);
    expect(labelled.length).toBeGreaterThanOrEqual(5);
  });
});
