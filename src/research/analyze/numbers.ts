/**
 * Numbers as written in text and tables: "442,100", "$1,240 million", "EUR 480 million", "46%",
 * "13.5". Shared by the analysis (claims, table cells) and the report's citation check, so both
 * read a number the same way.
 */
export interface ParsedNumber {
  /** The number as written, e.g. "$1,240 million". */
  raw: string;
  /** With its scale word applied: "1.2 million" → 1200000. */
  value: number;
  currency?: string;
  percent?: boolean;
}

const SCALE: Record<string, number> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  mn: 1e6,
  m: 1e6,
  billion: 1e9,
  bn: 1e9,
  b: 1e9,
  trillion: 1e12,
  tn: 1e12,
};

const CURRENCY_SYMBOL: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const CURRENCY_CODES = new Set(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'CNY', 'SEK', 'NOK', 'DKK']);

/**
 * One pattern for every number in running text: optional currency (symbol or ISO code), digits
 * with thousands separators and decimals, an optional scale word, an optional percent sign.
 * A digit run glued to letters (H-Stack 16 is fine, "NB9" is not a number) is skipped.
 */
const NUMBER =
  /(?<![\w.,])(?:(?<code>USD|EUR|GBP|JPY|CHF|CAD|AUD|CNY|SEK|NOK|DKK)\s?|(?<symbol>[$€£¥]))?(?<sign>[-−])?(?<digits>\d{1,3}(?:,\d{3})+|\d+)(?<decimals>\.\d+)?(?:\s?(?<scale>thousand|million|billion|trillion|bn|mn)\b)?(?<percent>\s?%|\s?percent\b)?/gi;

export function numbersIn(text: string): ParsedNumber[] {
  const out: ParsedNumber[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const groups = match.groups ?? {};
    const next = text[match.index + match[0].length];
    if (next !== undefined && /[A-Za-z]/.test(next) && !groups.scale && !groups.percent) continue;
    const base = Number(`${groups.digits!.replace(/,/g, '')}${groups.decimals ?? ''}`);
    const scale = groups.scale ? (SCALE[groups.scale.toLowerCase()] ?? 1) : 1;
    const sign = groups.sign ? -1 : 1;
    const currency =
      groups.code?.toUpperCase() ?? (groups.symbol ? CURRENCY_SYMBOL[groups.symbol] : undefined);
    out.push({
      raw: match[0].trim(),
      value: sign * base * scale,
      ...(currency ? { currency } : {}),
      ...(groups.percent ? { percent: true } : {}),
    });
  }
  return out;
}

/** A table cell as a number, or undefined when the cell is not a single number. */
export function parseCell(cell: string): ParsedNumber | undefined {
  const trimmed = cell.trim().replace(/^\((.*)\)$/, '-$1');
  if (!trimmed || !/\d/.test(trimmed)) return undefined;
  const numbers = numbersIn(trimmed);
  if (numbers.length !== 1) return undefined;
  const rest = trimmed.replace(numbers[0]!.raw, '').replace(/[\s*†‡]/g, '');
  return rest === '' ? numbers[0] : undefined;
}

export function isCurrencyCode(token: string): boolean {
  return CURRENCY_CODES.has(token.toUpperCase());
}

export function currencyOfSymbol(symbol: string): string | undefined {
  return CURRENCY_SYMBOL[symbol];
}

/** Two numbers agree when equal to within rounding of the printed one (relative 1e-9 otherwise). */
export function sameNumber(a: number, b: number, decimalsPrinted?: number): boolean {
  if (decimalsPrinted !== undefined) return Math.abs(a - b) <= 0.5 * 10 ** -decimalsPrinted + 1e-12;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** en-US formatting with a fixed number of decimals, e.g. 41.42 → "41.42", 1240 → "1,240". */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
