import { z } from 'zod';
import { AUDIENCES, CONTENT_FORMATS, LENGTHS, TONES } from '../../creative/content/request.js';
import { writeWithManifest } from '../../creative/manifest.js';
import { createChatProvider } from '../../llm/index.js';
import { defineSkill } from '../sdk.js';

/**
 * `creative.content`: briefs, executive summaries, articles, FAQs, social posts, headlines and
 * product descriptions from cited facts. Writes `<format>.md` and `<format>.html`, each with a
 * manifest (inputs, method, sources, SHA-256).
 */
export const contentInput = z.object({
  format: z.enum(CONTENT_FORMATS),
  topic: z.string().trim().min(1).max(500),
  audience: z.enum(AUDIENCES).optional(),
  tone: z.enum(TONES).optional(),
  length: z.enum(LENGTHS).optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  namespaces: z.array(z.string()).min(1).max(20).optional(),
  corpusPath: z.string().optional(),
  analysisPath: z.string().optional(),
});

export const contentSkill = defineSkill({
  name: 'creative.content',
  description:
    'Writes cited content (brief, executive summary, article, FAQ, social posts, headlines, product description) from knowledge-base facts and research findings.',
  input: contentInput,
  output: z.object({
    format: z.string(),
    title: z.string(),
    markdownPath: z.string(),
    htmlPath: z.string(),
    sha256: z.string(),
    sentences: z.number().int(),
    dropped: z.number().int(),
    sources: z.number().int(),
    readingEase: z.number(),
    readingEaseTarget: z.number(),
    draftedBy: z.string().optional(),
    modelDropped: z.number().int().optional(),
    keyFigure: z
      .object({
        value: z.string(),
        label: z.string(),
        source: z.object({ id: z.string(), title: z.string(), url: z.string() }),
      })
      .optional(),
  }),
  async handler(input, ctx) {
    // The generator (citation checker, readability dictionaries) loads on first use, not at start-up.
    const [{ gatherEvidence }, { generateContent }] = await Promise.all([
      import('./evidence.js'),
      import('../../creative/content/index.js'),
    ]);
    const evidence = await gatherEvidence(input, ctx);
    await ctx.progress(0.3, `${evidence.facts.length} facts`);
    const result = await generateContent(
      evidence,
      {
        format: input.format,
        topic: input.topic,
        ...(input.audience ? { audience: input.audience } : {}),
        ...(input.tone ? { tone: input.tone } : {}),
        ...(input.length ? { length: input.length } : {}),
        ...(input.subject ? { subject: input.subject } : {}),
      },
      { provider: createChatProvider(ctx.config), signal: ctx.signal, logger: ctx.logger },
    );
    const fields = {
      kind: `creative.${input.format}`,
      inputs: { ...result.request, namespaces: evidence.namespaces },
      method: [...result.method, result.readability.method],
      sources: result.sources.map(({ id, title, url }) => ({ id, title, url })),
      label: evidence.namespaces,
    };
    const write = (name: string, content: string | Uint8Array) => ctx.writeArtifact(name, content);
    const md = await writeWithManifest(write, `${input.format}.md`, result.markdown, {
      ...fields,
      contentType: 'text/markdown; charset=utf-8',
    });
    const html = await writeWithManifest(write, `${input.format}.html`, result.html, {
      ...fields,
      contentType: 'text/html; charset=utf-8',
    });
    ctx.logger.info(
      {
        format: input.format,
        sentences: result.claims.length,
        dropped: result.dropped.length,
        readingEase: result.readability.score,
      },
      'creative: content written',
    );
    return {
      format: input.format,
      title: result.title,
      markdownPath: md.path,
      htmlPath: html.path,
      sha256: md.sha256,
      sentences: result.claims.length,
      dropped: result.dropped.length,
      sources: result.sources.length,
      readingEase: result.readability.score,
      readingEaseTarget: result.readability.target,
      ...(result.model && result.model.kept > 0 ? { draftedBy: result.model.provider } : {}),
      ...(result.model ? { modelDropped: result.model.dropped } : {}),
      ...(result.keyFigure ? { keyFigure: result.keyFigure } : {}),
    };
  },
});
