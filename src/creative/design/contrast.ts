import { formatHex, type Oklch, oklch, wcagContrast } from 'culori';
import { MagnaError } from '../../core/errors.js';

/**
 * WCAG 2.x contrast: checking a colour pair and repairing it. Required ratios: 4.5:1 for body
 * text and 3:1 for large text (≥ 24 px, or ≥ 18.66 px bold) at level AA; 7:1 and 4.5:1 at AAA.
 * A failing foreground is repaired by moving only its OKLCH lightness, towards black or white
 * (whichever can reach the ratio with the smaller change), by bisection to 0.001 lightness, so
 * hue and chroma, the colour's identity, are kept where the gamut allows.
 */
export type ContrastLevel = 'AA' | 'AAA';

export const CONTRAST_METHOD =
  'WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05) of relative luminances (culori wcagContrast)';

export function requiredRatio(level: ContrastLevel, largeText: boolean): number {
  if (level === 'AAA') return largeText ? 4.5 : 7;
  return largeText ? 3 : 4.5;
}

function parse(colour: string): Oklch {
  const parsed = oklch(colour);
  if (!parsed)
    throw new MagnaError('INVALID_ARGUMENT', `${colour} is not a colour.`, { details: { colour } });
  return parsed;
}

export function contrastRatio(foreground: string, background: string): number {
  parse(foreground);
  parse(background);
  return wcagContrast(foreground, background);
}

export interface ContrastPair {
  foreground: string;
  background: string;
  /** Rounded down to 2 decimals, so the printed ratio never overstates the real one. */
  ratio: number;
  required: number;
  passes: boolean;
  /** The foreground before repair, when it was changed. */
  repairedFrom?: string;
  /** The background before repair, when no text colour could pass on it and it was changed. */
  backgroundRepairedFrom?: string;
}

function floor2(value: number): number {
  return Math.floor(value * 100) / 100;
}

/** Lightness closest to the original that reaches `required` in one direction, or null. */
function search(base: Oklch, background: string, required: number, towards: 0 | 1): Oklch | null {
  const at = (l: number): Oklch => ({ ...base, l });
  const hex = (l: number): string => formatHex(at(l));
  if (wcagContrast(hex(towards), background) < required) return null;
  let lo = base.l;
  let hi: number = towards;
  for (let i = 0; i < 40 && Math.abs(hi - lo) > 0.001; i++) {
    const mid = (lo + hi) / 2;
    if (wcagContrast(hex(mid), background) >= required) hi = mid;
    else lo = mid;
  }
  return at(hi);
}

export function checkPair(
  foreground: string,
  background: string,
  options: { level?: ContrastLevel; largeText?: boolean; repair?: boolean } = {},
): ContrastPair {
  const required = requiredRatio(options.level ?? 'AA', options.largeText ?? false);
  const fg = formatHex(parse(foreground));
  const bg = formatHex(parse(background));
  const ratio = wcagContrast(fg, bg);
  if (ratio >= required || !options.repair) {
    return { foreground: fg, background: bg, ratio: floor2(ratio), required, passes: ratio >= required };
  }
  const base = parse(fg);
  const candidates = [search(base, bg, required, 0), search(base, bg, required, 1)].filter(
    (c): c is Oklch => c !== null,
  );
  candidates.sort((a, b) => Math.abs(a.l - base.l) - Math.abs(b.l - base.l));
  // Rounding to hex can land a hair under the ratio; step on until the stored colour passes.
  for (const candidate of candidates) {
    let l = candidate.l;
    const step = l < base.l ? -0.002 : 0.002;
    for (let i = 0; i < 500; i++) {
      const hex = formatHex({ ...candidate, l });
      const r = wcagContrast(hex, bg);
      if (r >= required)
        return {
          foreground: hex,
          background: bg,
          ratio: floor2(r),
          required,
          passes: true,
          repairedFrom: fg,
        };
      l = Math.min(1, Math.max(0, l + step));
    }
  }
  // Neither black nor white text reaches the ratio on this background (impossible for ≤ 7:1, kept for safety).
  return { foreground: fg, background: bg, ratio: floor2(ratio), required, passes: false };
}

/**
 * For a background, the text colour that passes: near-black or white, repaired if needed. A
 * mid-luminance background (magenta: 3.1:1 with white, 6.7:1 with black) may allow neither at
 * AAA; then the background's own lightness is moved, away from the better text colour.
 */
export function textColourFor(
  background: string,
  options: { level?: ContrastLevel; largeText?: boolean } = {},
): ContrastPair {
  const dark = checkPair('#111827', background, options);
  const light = checkPair('#ffffff', background, options);
  const best = dark.ratio >= light.ratio ? dark : light;
  if (best.passes) return best;
  const text = checkPair(best.foreground, background, { ...options, repair: true });
  if (text.passes) return text;
  const moved = checkPair(background, best.foreground, { ...options, repair: true });
  return {
    ...checkPair(best.foreground, moved.foreground, options),
    backgroundRepairedFrom: formatHex(parse(background)),
  };
}

export interface PaletteCheck {
  level: ContrastLevel;
  method: string;
  pairs: ContrastPair[];
  /** Pairs that failed and were repaired. */
  repaired: number;
}

/**
 * Checks every colour of a palette as text on a background (white unless given) and repairs the
 * ones that fail; also gives each colour a text colour to set on it.
 */
export function checkPalette(
  colours: string[],
  options: { background?: string; level?: ContrastLevel; largeText?: boolean } = {},
): { asText: PaletteCheck; asBackground: ContrastPair[] } {
  const level = options.level ?? 'AA';
  const background = options.background ?? '#ffffff';
  const pairs = colours.map((c) =>
    checkPair(c, background, { level, repair: true, ...(options.largeText ? { largeText: true } : {}) }),
  );
  return {
    asText: { level, method: CONTRAST_METHOD, pairs, repaired: pairs.filter((p) => p.repairedFrom).length },
    asBackground: colours.map((c) =>
      textColourFor(c, { level, ...(options.largeText ? { largeText: true } : {}) }),
    ),
  };
}
