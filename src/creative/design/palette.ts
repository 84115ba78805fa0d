import { differenceCiede2000, formatHex } from 'culori';
import { type CheckedImage, decoding } from './image-input.js';

/**
 * Dominant colours: the image is reduced to at most 64 × 64 px (area-averaged, so small details
 * cannot dominate), pixels are binned at 4 bits per channel (4,096 bins), and bins are taken in
 * order of population, skipping any within CIEDE2000 ΔE 12 of a colour already chosen (about the
 * distance at which two swatches read as different colours). Each colour's share is the
 * fraction of pixels nearest to it. Fully deterministic: ties break on the bin index.
 */
export interface PaletteColour {
  hex: string;
  /** Fraction of pixels nearest to this colour, 0..1. */
  share: number;
}

const SAMPLE_SIDE = 64;
const DISTINCT_DELTA_E = 12;
/** A bin under 2% of the sample is edge blending or noise, not a colour of the image. */
const MIN_SHARE = 0.02;
const deltaE = differenceCiede2000();

export async function dominantColours(image: CheckedImage, count = 5): Promise<PaletteColour[]> {
  const { data, info } = await decoding('palette', () =>
    image
      .pipeline()
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize({ width: SAMPLE_SIDE, height: SAMPLE_SIDE, fit: 'inside' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  for (let i = 0; i < data.length; i += info.channels) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const bin = bins.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
    bin.n++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  const ordered = [...bins.entries()].sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
  const chosen: Array<{ r: number; g: number; b: number; hex: string }> = [];
  const pixels = data.length / info.channels;
  for (const [, bin] of ordered) {
    if (chosen.length >= count || bin.n < pixels * MIN_SHARE) break;
    const colour = {
      mode: 'rgb' as const,
      r: bin.r / bin.n / 255,
      g: bin.g / bin.n / 255,
      b: bin.b / bin.n / 255,
    };
    if (chosen.some((c) => deltaE(c.hex, colour) < DISTINCT_DELTA_E)) continue;
    chosen.push({ r: colour.r, g: colour.g, b: colour.b, hex: formatHex(colour) });
  }
  const counts = new Array<number>(chosen.length).fill(0);
  for (const [, bin] of ordered) {
    const colour = {
      mode: 'rgb' as const,
      r: bin.r / bin.n / 255,
      g: bin.g / bin.n / 255,
      b: bin.b / bin.n / 255,
    };
    let best = 0;
    let bestD = Infinity;
    chosen.forEach((c, i) => {
      const d = (c.r - colour.r) ** 2 + (c.g - colour.g) ** 2 + (c.b - colour.b) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    counts[best]! += bin.n;
  }
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return chosen
    .map((c, i) => ({ hex: c.hex, share: Math.round((counts[i]! / total) * 1000) / 1000 }))
    .sort((a, b) => b.share - a.share || a.hex.localeCompare(b.hex));
}
