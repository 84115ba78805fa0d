import { MagnaError } from '../core/errors.js';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * Reads the dates facts carry: epoch milliseconds, ISO strings, a bare year ("1999" → 1 January
 * 1999 UTC), "March 3, 2021" or "3 March 2021". Always UTC, so the same text gives the same
 * instant on every machine. Returns null for text that is not a date.
 */
export function parseWhen(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  const text = input.trim();
  if (/^\d{4}$/.test(text)) return Date.UTC(Number(text), 0, 1);
  if (/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+Z?)?$/.test(text)) {
    const t = Date.parse(text.length === 7 ? `${text}-01` : text);
    return Number.isNaN(t) ? null : t;
  }
  let m = text.match(/^([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})$/);
  if (m) return monthDate(m[1]!, Number(m[2]), Number(m[3]));
  m = text.match(/^(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})$/);
  if (m) return monthDate(m[2]!, Number(m[1]), Number(m[3]));
  m = text.match(/^([A-Za-z]+)\s+(\d{4})$/);
  if (m) return monthDate(m[1]!, 1, Number(m[2]));
  return null;
}

function monthDate(month: string, day: number, year: number): number | null {
  const index = MONTHS.indexOf(month.toLowerCase());
  if (index < 0 || day < 1 || day > 31) return null;
  return Date.UTC(year, index, day);
}

/** Like parseWhen, but a caller's bad date is a coded error naming the field. */
export function requireWhen(input: string | number | undefined, field: string): number | null {
  if (input === undefined) return null;
  const t = parseWhen(input);
  if (t === null)
    throw new MagnaError('INVALID_ARGUMENT', `${field} is not a date: ${JSON.stringify(input)}.`, {
      details: { field },
    });
  return t;
}
