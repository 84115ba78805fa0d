import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { differenceCiede2000 } from 'culori';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { hex as wcagHex } from 'wcag-contrast';
import { cardSkill, chartsSkill, imageSkill } from '../../src/agents/creative/index.js';
import type { SkillContext } from '../../src/agents/sdk.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { CARD_HEIGHT, CARD_WIDTH, renderCard } from '../../src/creative/design/card.js';
import { checkPair, checkPalette } from '../../src/creative/design/contrast.js';
import { checkImage } from '../../src/creative/design/image-input.js';
import { dominantColours } from '../../src/creative/design/palette.js';
import { convert, cropSalient, resize, thumbnail } from '../../src/creative/design/transform.js';
import { testKb } from '../knowledge/helpers.js';
import { skillContext, tempDir } from '../research/support.js';
import { NAMESPACE, seededKb } from './fixtures.js';
import { declaredPng, scenePng, truncatedPng, twoColourPng } from './images.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function home(): string {
  const dir = tempDir('magna-design-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function stored(dir: string): string[] {
  const folder = join(dir, 'artifacts', 'mission_1');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

describe('image operations', () => {
  it('produce the requested sizes and formats', async () => {
    const image = await checkImage(await scenePng());
    expect(image).toMatchObject({ format: 'png', width: 1600, height: 1000 });
    const outputs = [
      [await resize(image, { width: 800, format: 'jpeg' }), 'jpeg', 800, 500],
      [await resize(image, { width: 300, height: 300, fit: 'fill', format: 'webp' }), 'webp', 300, 300],
      [await cropSalient(image, 640, 360, 'avif'), 'heif', 640, 360],
      [await thumbnail(image, 128), 'webp', 128, 128],
      [await convert(image, 'png'), 'png', 1600, 1000],
      [await convert(image, 'avif'), 'heif', 1600, 1000],
    ] as const;
    for (const [out, format, width, height] of outputs) {
      const meta = await sharp(out.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, width, height]);
      expect([out.width, out.height]).toEqual([width, height]);
    }
    // "inside" never enlarges.
    const small = await resize(image, { width: 4000 });
    expect([small.width, small.height]).toEqual([1600, 1000]);
  });

  it('crops around the salient subject, not the centre', async () => {
    const image = await checkImage(await scenePng());
    const redShare = async (png: Buffer): Promise<number> => {
      const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let red = 0;
      for (let i = 0; i < data.length; i += 3)
        if (data[i]! > 180 && data[i + 1]! < 80 && data[i + 2]! < 80) red++;
      return red / (data.length / 3);
    };
    // A 300 × 600 portrait of the 960 × 600 scaled scene: the disc (r ≈ 102 px) is ~18% of a crop
    // around it; the centre crop holds none of it.
    const salient = await cropSalient(image, 300, 600);
    const centre = await sharp(image.bytes)
      .resize({ width: 300, height: 600, fit: 'cover' })
      .png()
      .toBuffer();
    expect(await redShare(salient.bytes)).toBeGreaterThan(0.1);
    expect(await redShare(centre)).toBe(0);
  });

  it('extracts the dominant colours with their shares', async () => {
    const palette = await dominantColours(await checkImage(await twoColourPng()), 5);
    const deltaE = differenceCiede2000();
    expect(palette).toHaveLength(2);
    expect(deltaE(palette[0]!.hex, '#1e3a8a')).toBeLessThan(2);
    expect(deltaE(palette[1]!.hex, '#f59e0b')).toBeLessThan(2);
    expect(palette[0]!.share).toBeCloseTo(0.6, 1);
    expect(palette[1]!.share).toBeCloseTo(0.4, 1);
  });
});

describe('contrast', () => {
  it('palettes meet the contrast they claim, recomputed with an independent library', async () => {
    const colours = ['#ffff00', '#1e3a8a', '#f59e0b', '#9ca3af', '#ff00ff', '#10b981'];
    for (const level of ['AA', 'AAA'] as const) {
      const { asText, asBackground } = checkPalette(colours, { level });
      expect(asText.repaired).toBeGreaterThan(0);
      for (const pair of [...asText.pairs, ...asBackground]) {
        const actual = wcagHex(pair.foreground, pair.background);
        expect(pair.passes, JSON.stringify(pair)).toBe(true);
        expect(actual).toBeGreaterThanOrEqual(pair.required);
        expect(pair.ratio).toBeLessThanOrEqual(actual + 1e-9);
      }
    }
  });

  it('repairs by lightness only, keeping a colour that already passes', () => {
    const kept = checkPair('#1e3a8a', '#ffffff', { repair: true });
    expect(kept.repairedFrom).toBeUndefined();
    expect(kept.foreground).toBe('#1e3a8a');
    const fixed = checkPair('#f59e0b', '#ffffff', { repair: true });
    expect(fixed.repairedFrom).toBe('#f59e0b');
    expect(wcagHex(fixed.foreground, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    const unrepaired = checkPair('#f59e0b', '#ffffff');
    expect(unrepaired.passes).toBe(false);
  });
});

describe('social cards', () => {
  it('render at 1200 × 630 with the text contrast they claim, over a gradient or a photo', async () => {
    for (const image of [undefined, await checkImage(await scenePng())]) {
      const card = await renderCard({
        title: 'Home battery storage keeps growing',
        figure: { value: '442,100', label: 'installations in 2025' },
        source: 'example.com',
        ...(image ? { image } : {}),
      });
      const meta = await sharp(card.png).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', CARD_WIDTH, CARD_HEIGHT]);
      for (const pair of card.contrast) {
        expect(wcagHex(pair.foreground, pair.background)).toBeGreaterThanOrEqual(pair.required);
      }
      // The panel behind the text is the colour the check used.
      const { data } = await sharp(card.png)
        .extract({ left: 10, top: 620, width: 1, height: 1 })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const panel = `#${[...data].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      const deltaE = differenceCiede2000();
      expect(card.contrast.some((p) => deltaE(p.background, panel) < 1)).toBe(true);
      expect(card.svg).toContain('442,100');
    }
  });
});

describe('bad images get coded errors and nothing is stored', () => {
  const cases: Array<[string, () => Promise<Buffer> | Buffer, string]> = [
    ['a corrupt (truncated) image', truncatedPng, 'IMAGE_INVALID'],
    ['a decompression bomb (20,000 × 20,000 declared)', () => declaredPng(20_000, 20_000), 'IMAGE_TOO_LARGE'],
    [
      'an unsupported format (BMP)',
      () => Buffer.concat([Buffer.from('BM'), Buffer.alloc(200, 1)]),
      'IMAGE_UNSUPPORTED_FORMAT',
    ],
    ['an empty file', () => Buffer.alloc(0), 'IMAGE_INVALID'],
  ];
  it.each(cases)('%s', async (_name, make, code) => {
    const dir = home();
    const path = join(dir, 'input.img');
    writeFileSync(path, await make());
    const ctx = skillContext({ home: dir });
    await expect(
      imageSkill.handler(
        imageSkill.input.parse({
          imagePath: path,
          operations: [
            { op: 'thumbnail', size: 64 },
            { op: 'convert', format: 'webp' },
          ],
        }),
        ctx,
      ),
    ).rejects.toMatchObject({ code });
    await expect(
      cardSkill.handler(cardSkill.input.parse({ title: 'T', imagePath: path }), ctx),
    ).rejects.toMatchObject({ code });
    expect(stored(dir)).toEqual([]);
  });

  it('an unsupported output format is refused before anything is stored', async () => {
    const dir = home();
    const path = join(dir, 'scene.png');
    writeFileSync(path, await scenePng());
    await expect(convert(await checkImage(await scenePng()), 'gif')).rejects.toMatchObject({
      code: 'IMAGE_UNSUPPORTED_FORMAT',
    });
    expect(stored(dir)).toEqual([]);
  });
});

describe('design skills store files with manifests', () => {
  it('creative.image writes each output and the checked palette', async () => {
    const dir = home();
    const path = join(dir, 'scene.png');
    writeFileSync(path, await scenePng());
    const out = (await imageSkill.handler(
      imageSkill.input.parse({
        imagePath: path,
        operations: [
          { op: 'thumbnail', size: 96 },
          { op: 'resize', width: 320, format: 'jpeg' },
        ],
      }),
      skillContext({ home: dir }),
    )) as { images: Array<{ width: number; height: number; format: string }>; palette: unknown[] };
    expect(out.images.map((i) => [i.format, i.width, i.height])).toEqual([
      ['webp', 96, 96],
      ['jpeg', 320, 200],
    ]);
    expect(stored(dir)).toEqual([
      'scene-1-thumbnail-96x96.webp',
      'scene-1-thumbnail-96x96.webp.manifest.json',
      'scene-2-resize-320x200.jpg',
      'scene-2-resize-320x200.jpg.manifest.json',
      'scene-palette.json',
      'scene-palette.json.manifest.json',
    ]);
  });

  it('creative.charts draws the numeric series of the knowledge base; an empty one is CREATIVE_NO_FACTS', async () => {
    const t = await seededKb();
    cleanup.push(() => t.close());
    const dir = home();
    const ctx: SkillContext = {
      ...skillContext({ home: dir }),
      principal: SYSTEM_PRINCIPAL,
      services: { knowledge: t.kb },
    };
    const out = (await chartsSkill.handler(chartsSkill.input.parse({ namespaces: [NAMESPACE] }), ctx)) as {
      charts: Array<{ title: string; pngPath: string }>;
    };
    expect(out.charts.map((c) => c.title)).toEqual(['Employees by subject']);
    const meta = await sharp(out.charts[0]!.pngPath).metadata();
    expect(meta.format).toBe('png');
    const empty = testKb();
    cleanup.push(() => empty.close());
    const emptyDir = home();
    await expect(
      chartsSkill.handler(chartsSkill.input.parse({ namespaces: [NAMESPACE] }), {
        ...skillContext({ home: emptyDir }),
        principal: SYSTEM_PRINCIPAL,
        services: { knowledge: empty.kb },
      }),
    ).rejects.toMatchObject({ code: 'CREATIVE_NO_FACTS' });
    expect(stored(emptyDir)).toEqual([]);
  });
});

describe('image paths follow the local-source rule', () => {
  it('an API caller may not turn a server file into an artifact', async () => {
    const dir = home();
    const path = join(dir, 'scene.png');
    writeFileSync(path, await scenePng());
    const ctx: SkillContext = {
      ...skillContext({ home: dir }),
      principal: { id: 'key:k1', role: 'analyst' },
    };
    await expect(
      imageSkill.handler(
        imageSkill.input.parse({ imagePath: path, operations: [{ op: 'thumbnail', size: 32 }] }),
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'RESEARCH_SOURCE_FORBIDDEN' });
    await expect(
      cardSkill.handler(cardSkill.input.parse({ title: 'T', imagePath: path }), ctx),
    ).rejects.toMatchObject({
      code: 'RESEARCH_SOURCE_FORBIDDEN',
    });
    expect(stored(dir)).toEqual([]);
  });
});
