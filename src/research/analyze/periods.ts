/**
 * Period labels of time series: years, quarters, months and days in the spellings tables use
 * ("2025", "2025-03", "Mar 2025", "Q1 2025", "2025-Q1", "2025-03-31"), turned into an ordinal
 * so rows can be sorted and the next periods named for a forecast.
 */
export interface Period {
  /** Periods since year 0 at this frequency, e.g. months since 0000-01 for monthly data. */
  ordinal: number;
  periodsPerYear: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function year(text: string): number | undefined {
  const value = Number(text);
  return value >= 1800 && value <= 2200 ? value : undefined;
}

export function parsePeriod(label: string): Period | undefined {
  const text = label.trim();
  let m = /^(\d{4})$/.exec(text);
  if (m) {
    const y = year(m[1]!);
    return y === undefined ? undefined : { ordinal: y, periodsPerYear: 1 };
  }
  m = /^(\d{4})[-/](\d{1,2})$/.exec(text);
  if (m) return monthly(m[1]!, Number(m[2]));
  m = /^([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1;
    return month > 0 ? monthly(m[2]!, month) : undefined;
  }
  m = /^Q([1-4])\s*[-/ ]?\s*(\d{4})$/i.exec(text) ?? /^(\d{4})\s*[-/ ]?\s*Q([1-4])$/i.exec(text);
  if (m) {
    const [q, y] = /^Q/i.test(text) ? [Number(m[1]), year(m[2]!)] : [Number(m[2]), year(m[1]!)];
    return y === undefined ? undefined : { ordinal: y * 4 + (q - 1), periodsPerYear: 4 };
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return Number.isNaN(time) ? undefined : { ordinal: Math.round(time / 86_400_000), periodsPerYear: 365 };
  }
  return undefined;
}

function monthly(yearText: string, month: number): Period | undefined {
  const y = year(yearText);
  if (y === undefined || month < 1 || month > 12) return undefined;
  return { ordinal: y * 12 + (month - 1), periodsPerYear: 12 };
}

/** The label of a period ordinal, in canonical spelling (2026, 2026-Q1, 2026-01, 2026-01-31). */
export function periodLabel(ordinal: number, periodsPerYear: number): string {
  switch (periodsPerYear) {
    case 1:
      return String(ordinal);
    case 4:
      return `${Math.floor(ordinal / 4)}-Q${(ordinal % 4) + 1}`;
    case 12:
      return `${Math.floor(ordinal / 12)}-${String((ordinal % 12) + 1).padStart(2, '0')}`;
    default:
      return new Date(ordinal * 86_400_000).toISOString().slice(0, 10);
  }
}
