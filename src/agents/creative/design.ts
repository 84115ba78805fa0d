import { basename, extname } from 'node:path';
import { z } from 'zod';
import { defineSkill } from '../sdk.js';

/**
 * Design skills: image operations with a palette and its contrast check, social cards, and
 * charts of knowledge-base series. Every input is checked (bytes, format, pixels) and every
 * output computed before anything is stored, so a bad image stores nothing. Each file is stored
 * with a manifest (inputs, method, sources, SHA-256).
 */
const side = z.number().int().min(1).max(8_192);
const format = z.enum(['png', 'jpeg', 'webp', 'avif']);
const operation = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('resize'),
    width: side.optional(),
    height: side.optional(),
    fit: z.enum(['inside', 'cover', 'fill']).optional(),
    format: format.optional(),
  }),
  z.object({ op: z.literal('crop'), width: side, height: side, format: format.optional() }),
  z.object({ op: z.literal('thumbnail'), size: side, format: format.optional() }),
  z.object({ op: z.literal('convert'), format }),
]);

export const imageSkill = defineSkill({
  name: 'creative.image',
  description:
    'Resizes, crops to the salient region, makes thumbnails and converts images (PNG, JPEG, WebP, AVIF); extracts a dominant-colour palette checked and repaired for WCAG contrast.',
  input: z.object({
    imagePath: z.string().min(1),
    operations: z.array(operation).max(20).default([]),
    paletteSize: z.number().int().min(1).max(12).default(5),
  }),
  output: z.object({
    images: z.array(
      z.object({ path: z.string(), format: z.string(), width: z.number(), height: z.number() }),
    ),
    palette: z.array(z.object({ hex: z.string(), share: z.number() })),
    palettePath: z.string(),
  }),
  async handler(input, ctx) {
    const [
      { readImageFor },
      t,
      { dominantColours },
      { checkPalette, CONTRAST_METHOD },
      { writeWithManifest },
    ] = await Promise.all([
      import('./image-access.js'),
      import('../../creative/design/transform.js'),
      import('../../creative/design/palette.js'),
      import('../../creative/design/contrast.js'),
      import('../../creative/manifest.js'),
    ]);
    const image = await readImageFor(ctx, input.imagePath);
    const stem = basename(input.imagePath, extname(input.imagePath)).replace(/[^\w.-]/g, '_') || 'image';
    // Everything is computed first; only then is anything stored.
    const made: Array<{ name: string; out: Awaited<ReturnType<typeof t.convert>>; op: unknown }> = [];
    for (const [i, op] of input.operations.entries()) {
      const out =
        op.op === 'resize'
          ? await t.resize(image, op)
          : op.op === 'crop'
            ? await t.cropSalient(image, op.width, op.height, op.format)
            : op.op === 'thumbnail'
              ? await t.thumbnail(image, op.size, op.format)
              : await t.convert(image, op.format);
      made.push({
        name: `${stem}-${i + 1}-${op.op}-${out.width}x${out.height}.${out.format === 'jpeg' ? 'jpg' : out.format}`,
        out,
        op,
      });
    }
    const palette = await dominantColours(image, input.paletteSize);
    const contrast = checkPalette(palette.map((p) => p.hex));
    const write = (name: string, content: string | Uint8Array) => ctx.writeArtifact(name, content);
    const images = [];
    for (const { name, out, op } of made) {
      const stored = await writeWithManifest(write, name, out.bytes, {
        kind: 'creative.image',
        contentType: `image/${out.format}`,
        inputs: {
          image: input.imagePath,
          sourceFormat: image.format,
          sourceSize: [image.width, image.height],
          operation: op,
        },
        method: [
          'sharp (libvips); salient crops use the attention strategy; EXIF orientation applied',
          `encoded as ${out.format}`,
        ],
        sources: [],
        label: [],
      });
      images.push({ path: stored.path, format: out.format, width: out.width, height: out.height });
    }
    const paletteJson = `${JSON.stringify({ palette, contrast }, null, 2)}\n`;
    const stored = await writeWithManifest(write, `${stem}-palette.json`, paletteJson, {
      kind: 'creative.palette',
      contentType: 'application/json',
      inputs: { image: input.imagePath, paletteSize: input.paletteSize },
      method: [
        'dominant colours: 64 px area-averaged sample, 4-bit-per-channel bins by population, ΔE2000 ≥ 12 apart',
        CONTRAST_METHOD,
        'repair: OKLCH lightness moved towards black or white, hue and chroma kept',
      ],
      sources: [],
      label: [],
    });
    return { images, palette, palettePath: stored.path };
  },
});

export const cardSkill = defineSkill({
  name: 'creative.card',
  description:
    'Renders a 1200 × 630 social card (title and key figure over an image or a generated gradient) to PNG, with its contrast checked.',
  input: z.object({
    title: z.string().trim().min(1).max(200),
    imagePath: z.string().optional(),
    figure: z.object({ value: z.string().max(24), label: z.string().max(80) }).optional(),
    source: z.string().max(80).optional(),
  }),
  output: z.object({
    cardPath: z.string(),
    svgPath: z.string(),
    sha256: z.string(),
    width: z.number(),
    height: z.number(),
    contrast: z.array(z.record(z.string(), z.unknown())),
  }),
  async handler(input, ctx) {
    const [{ readImageFor }, { renderCard }, { CONTRAST_METHOD }, { writeWithManifest }] = await Promise.all([
      import('./image-access.js'),
      import('../../creative/design/card.js'),
      import('../../creative/design/contrast.js'),
      import('../../creative/manifest.js'),
    ]);
    // A content step upstream offers its first stated number, with the source that states it.
    const upstreamFigure = Object.values(ctx.upstream)
      .map(
        (v) =>
          (v as { keyFigure?: { value: string; label: string; source: { title: string; url: string } } })
            ?.keyFigure,
      )
      .find((f) => f !== undefined);
    const figure =
      input.figure ??
      (upstreamFigure ? { value: upstreamFigure.value, label: upstreamFigure.label } : undefined);
    const source =
      input.source ?? (upstreamFigure && !input.figure ? hostOf(upstreamFigure.source.url) : undefined);
    const image = input.imagePath ? await readImageFor(ctx, input.imagePath) : undefined;
    const card = await renderCard({
      title: input.title,
      ...(figure ? { figure } : {}),
      ...(source ? { source } : {}),
      ...(image ? { image } : {}),
    });
    const fields = {
      kind: 'creative.card',
      inputs: { title: input.title, image: input.imagePath ?? null, figure: figure ?? null },
      method: [
        'hand-laid SVG (1200 × 630) rendered to PNG by sharp (librsvg)',
        image
          ? 'background: the image cropped to its salient region (attention strategy)'
          : 'background: a gradient seeded by the title',
        CONTRAST_METHOD,
      ],
      sources:
        upstreamFigure && !input.figure
          ? [{ id: 'figure', title: upstreamFigure.source.title, url: upstreamFigure.source.url }]
          : [],
      label: [],
    };
    const write = (name: string, content: string | Uint8Array) => ctx.writeArtifact(name, content);
    const png = await writeWithManifest(write, 'card.png', card.png, { ...fields, contentType: 'image/png' });
    const svg = await writeWithManifest(write, 'card.svg', card.svg, {
      ...fields,
      contentType: 'image/svg+xml',
    });
    return {
      cardPath: png.path,
      svgPath: svg.path,
      sha256: png.sha256,
      width: card.width,
      height: card.height,
      contrast: card.contrast as unknown as Array<Record<string, unknown>>,
    };
  },
});

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? basename(parsed.pathname) : parsed.host;
  } catch {
    return url.slice(0, 60);
  }
}

export const chartsSkill = defineSkill({
  name: 'creative.charts',
  description: 'Charts (SVG and PNG) for every numeric series in the knowledge base and research input.',
  input: z.object({
    topic: z.string().trim().min(1).max(500).default('knowledge base'),
    namespaces: z.array(z.string()).min(1).max(20).optional(),
    corpusPath: z.string().optional(),
    analysisPath: z.string().optional(),
  }),
  output: z.object({
    charts: z.array(z.object({ title: z.string(), svgPath: z.string(), pngPath: z.string() })),
  }),
  async handler(input, ctx) {
    const [{ gatherEvidence }, { seriesFromFacts, renderSeriesCharts }, { writeWithManifest }, research] =
      await Promise.all([
        import('./evidence.js'),
        import('../../creative/design/charts.js'),
        import('../../creative/manifest.js'),
        import('../research/files.js'),
      ]);
    const evidence = await gatherEvidence(input, ctx);
    const items = seriesFromFacts(evidence.facts);
    if (input.analysisPath) {
      const analysis = await research.readAnalysis(ctx, input.analysisPath);
      for (const series of analysis.series) items.push({ series, sources: [series.sourceId] });
    }
    const charts = await renderSeriesCharts(items);
    const sources = new Map(evidence.corpus.sources.map((s) => [s.id, s]));
    const write = (name: string, content: string | Uint8Array) => ctx.writeArtifact(name, content);
    const out = [];
    for (const chart of charts) {
      const fields = {
        kind: 'creative.chart',
        inputs: { topic: input.topic, namespaces: evidence.namespaces, series: chart.id },
        method: [
          'Vega-Lite spec compiled to Vega and rendered to SVG (the research report path); PNG by sharp',
        ],
        sources: chart.sources.map((id) => ({
          id,
          title: sources.get(id)?.title ?? id,
          url: sources.get(id)?.url ?? '',
        })),
        label: evidence.namespaces,
      };
      const svg = await writeWithManifest(write, `${chart.id}.svg`, chart.svg, {
        ...fields,
        contentType: 'image/svg+xml',
      });
      const png = await writeWithManifest(write, `${chart.id}.png`, chart.png, {
        ...fields,
        contentType: 'image/png',
      });
      out.push({ title: chart.title, svgPath: svg.path, pngPath: png.path });
    }
    return { charts: out };
  },
});
