import { createHash } from 'node:crypto';
import { formatHex, interpolate, oklch } from 'culori';
import { type ContrastPair, checkPair } from './contrast.js';
import { type CheckedImage, decoding, loadSharp } from './image-input.js';
import { dominantColours } from './palette.js';

/**
 * Social cards (1200 × 630, the size Open Graph and X/Twitter cards display without cropping):
 * a title and a key figure, hand-laid in SVG, over a photo cropped to its salient region or over
 * a generated gradient, rendered to PNG by sharp (librsvg). Text sits on an opaque panel whose
 * colour is known, so the contrast the card reports is the contrast a reader gets; over a
 * gradient the text colour must pass against both ends.
 */
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const PANEL_TOP = 300;
const FONT = "'DejaVu Sans', Helvetica, Arial, sans-serif";
/** Title: 54 px, ~0.56 em average advance in DejaVu Sans → ~36 characters across 1,100 px. */
const TITLE_SIZE = 54;
const TITLE_CHARS = 36;
const TITLE_LINES = 2;

export interface CardInput {
  title: string;
  /** The key figure as printed ("442,100") and what it measures ("installations in 2025"). */
  figure?: { value: string; label: string };
  /** Where the figure comes from, printed small on the card (a host name or title). */
  source?: string;
  image?: CheckedImage;
  /** Seed for the generated gradient (defaults to the title). */
  seed?: string;
}

export interface Card {
  png: Buffer;
  svg: string;
  width: number;
  height: number;
  background: { kind: 'image' | 'gradient'; colours: string[] };
  /** Every text colour against the colour(s) behind it, as checked. */
  contrast: Array<ContrastPair & { element: string }>;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function wrapTitle(title: string, chars = TITLE_CHARS, lines = TITLE_LINES): string[] {
  const words = title.trim().split(/\s+/);
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && `${line} ${word}`.length > chars) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  kept[lines - 1] = `${kept[lines - 1]!.slice(0, chars - 1).trimEnd()}…`;
  return kept;
}

/** Two gradient stops from a seed: a hue from its hash, dark enough for white text. */
function gradientStops(seed: string): [string, string] {
  const hue = createHash('sha1').update(seed).digest().readUInt16BE(0) % 360;
  return [
    formatHex({ mode: 'oklch', l: 0.32, c: 0.12, h: hue }),
    formatHex({ mode: 'oklch', l: 0.45, c: 0.14, h: (hue + 40) % 360 }),
  ];
}

/** The panel colour for a photo: its dominant colour, darkened to OKLCH lightness ≤ 0.3. */
function panelColour(dominant: string): string {
  const c = oklch(dominant) ?? { mode: 'oklch' as const, l: 0.25, c: 0, h: 0 };
  return formatHex({ ...c, l: Math.min(c.l, 0.3), c: Math.min(c.c ?? 0, 0.1) });
}

function textAgainst(
  backgrounds: string[],
  large: boolean,
  element: string,
): Array<ContrastPair & { element: string }> {
  // Start from white; repair against the first background, then confirm against the rest.
  let colour = '#ffffff';
  for (const bg of backgrounds) {
    const pair = checkPair(colour, bg, { largeText: large, repair: true });
    colour = pair.foreground;
  }
  return backgrounds.map((bg) => ({ ...checkPair(colour, bg, { largeText: large }), element }));
}

export async function renderCard(input: CardInput): Promise<Card> {
  const sharp = await loadSharp();
  let backdrop: string;
  let panel: string;
  let behindText: string[];
  let kind: Card['background']['kind'];
  let colours: string[];
  if (input.image) {
    const { default: sharpModule } = await import('sharp');
    const photo = await decoding('card background', () =>
      input
        .image!.pipeline()
        .rotate()
        .resize({
          width: CARD_WIDTH,
          height: CARD_HEIGHT,
          fit: 'cover',
          position: sharpModule.strategy.attention,
        })
        .png()
        .toBuffer(),
    );
    const dominant = (await dominantColours(input.image, 1))[0]?.hex ?? '#1f2937';
    panel = panelColour(dominant);
    backdrop = `<image href="data:image/png;base64,${photo.toString('base64')}" x="0" y="0" width="${CARD_WIDTH}" height="${CARD_HEIGHT}"/>`;
    behindText = [panel];
    kind = 'image';
    colours = [dominant, panel];
  } else {
    const [a, b] = gradientStops(input.seed ?? input.title);
    // The panel is the gradient's own middle colour, so the card reads as one surface.
    panel = formatHex(interpolate([a, b], 'oklch')(0.5));
    backdrop = `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs><rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="url(#bg)"/>`;
    behindText = [a, b, panel];
    kind = 'gradient';
    colours = [a, b];
  }
  const contrast = [
    ...textAgainst(behindText, true, 'title'),
    ...(input.figure ? textAgainst(behindText, true, 'figure') : []),
    ...(input.source || input.figure ? textAgainst(behindText, false, 'caption') : []),
  ];
  const colourOf = (element: string): string => contrast.find((c) => c.element === element)!.foreground;
  const lines = wrapTitle(input.title);
  const titleY = input.figure ? PANEL_TOP + 70 : PANEL_TOP + 120;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">`,
    backdrop,
    `<rect x="0" y="${PANEL_TOP}" width="${CARD_WIDTH}" height="${CARD_HEIGHT - PANEL_TOP}" fill="${panel}"/>`,
    `<text x="50" y="${titleY}" font-family="${FONT}" font-size="${TITLE_SIZE}" font-weight="bold" fill="${colourOf('title')}">${lines
      .map((l, i) => `<tspan x="50" dy="${i === 0 ? 0 : TITLE_SIZE * 1.15}">${escapeXml(l)}</tspan>`)
      .join('')}</text>`,
  ];
  if (input.figure) {
    const y = titleY + TITLE_SIZE * 1.15 * (lines.length - 1) + 95;
    parts.push(
      `<text x="50" y="${y}" font-family="${FONT}" font-size="72" font-weight="bold" fill="${colourOf('figure')}">${escapeXml(input.figure.value)}</text>`,
      `<text x="50" y="${y + 42}" font-family="${FONT}" font-size="30" fill="${colourOf('caption')}">${escapeXml(input.figure.label)}</text>`,
    );
  }
  if (input.source) {
    parts.push(
      `<text x="${CARD_WIDTH - 40}" y="${CARD_HEIGHT - 24}" text-anchor="end" font-family="${FONT}" font-size="22" fill="${colourOf('caption')}">${escapeXml(`Source: ${input.source}`)}</text>`,
    );
  }
  parts.push('</svg>');
  const svg = parts.join('\n');
  const png = await decoding('card', () => sharp(Buffer.from(svg)).png({ compressionLevel: 8 }).toBuffer());
  return { png, svg, width: CARD_WIDTH, height: CARD_HEIGHT, background: { kind, colours }, contrast };
}
