import { formatNumber } from '../analyze/numbers.js';
import type { ComputedValue } from './types.js';

/** Number formatting shared by every section, so the text and its computed values agree. */

/** Decimals a source value is printed with: as many as it needs, at most 2. */
export function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  return Math.abs(value * 10 - Math.round(value * 10)) < 1e-9 ? 1 : 2;
}

export function show(value: number, decimals = decimalsOf(value)): string {
  const text = formatNumber(Math.abs(value), decimals);
  return value < 0 && text.replace(/[0.,]/g, '') !== '' ? `−${text}` : text;
}

export function signed(value: number, decimals: number): string {
  const text = show(value, decimals);
  return value > 0 && text.replace(/[0.,]/g, '') !== '' ? `+${text}` : text;
}

/** A computed value printed in the text, and recorded so the citation check accepts it. */
export class Computations {
  readonly values: ComputedValue[] = [];

  put(value: number, decimals: number, method: string, options: { signed?: boolean } = {}): string {
    this.values.push({ value, decimals, method });
    return options.signed ? signed(value, decimals) : show(value, decimals);
  }
}

export function withUnit(value: string, unit: string | undefined): string {
  if (!unit) return value;
  if (unit === '%') return `${value}%`;
  if (unit === 'USD') return `$${value}`;
  return `${value} ${unit}`;
}

export function quote(sentence: string): string {
  return `“${sentence.replace(/[“”]/g, '"')}”`;
}

/** "1 page was" / "3 pages were". */
export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
