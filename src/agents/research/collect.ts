import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { sourceKind } from '../../research/collect/source-kind.js';
import type { CollectLimits, Corpus } from '../../research/types.js';
import { type SourcePolicy, sourcePolicyFor } from '../../security/source-policy.js';
import { defineSkill } from '../sdk.js';

/** `research.collect`: crawls URLs and reads local paths; writes the corpus as `corpus.json`. */
export const limitsSchema = z
  .object({
    maxPages: z.number().int().positive().max(10_000),
    maxDepth: z.number().int().min(0).max(20),
    fetchTimeoutMs: z.number().int().positive(),
    maxBytes: z.number().int().positive(),
    maxRedirects: z.number().int().min(0).max(50),
    perHostConcurrency: z.number().int().positive().max(64),
    perHostDelayMs: z.number().int().min(0),
    sameSite: z.boolean(),
  })
  .partial();

export const collectInput = z.object({
  topic: z.string().min(1).max(500),
  sources: z.array(z.string().min(1).max(4096)).max(1000),
  limits: limitsSchema.optional(),
});

export const collectOutput = z.object({
  topic: z.string(),
  corpusPath: z.string(),
  collected: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  durationMs: z.number(),
  /** Each source that could not be read, with its reason (the first 50; `failed` counts them all). */
  failures: z.array(z.object({ source: z.string(), reason: z.string() })).optional(),
  /** One line per failed source; a mission lifts these into its summary as warnings. */
  warnings: z.array(z.string()).optional(),
});

/** Failures listed in a step's output and error; a crawl can fail thousands of links. */
const LISTED_FAILURES = 50;

function failuresOf(corpus: Corpus): Array<{ source: string; reason: string }> {
  return corpus.sources
    .filter((s) => s.status === 'failed')
    .slice(0, LISTED_FAILURES)
    .map((s) => ({ source: s.path ?? s.url, reason: s.reason ?? s.failure ?? 'no reason recorded' }));
}

export const collectSkill = defineSkill({
  name: 'research.collect',
  description:
    'Collects web pages (robots.txt, politeness, limits) and local files into a corpus of sources.',
  input: collectInput,
  output: collectOutput,
  async handler(input, ctx) {
    if (input.sources.length === 0) {
      throw new MagnaError(
        'RESEARCH_NO_SOURCES',
        'A research mission needs at least one URL or path in --sources.',
      );
    }
    const policy = sourcePolicyFor(ctx.principal, ctx.config.sources, ctx.services.resolver);
    await refuseForbiddenSeeds(input.sources, policy);
    const limits: CollectLimits = { ...ctx.config.research, ...input.limits };
    let seen = 0;
    // linkedom, Readability and the charset tables load on the first collection, not at start-up.
    const { collect } = await import('../../research/collect/index.js');
    const corpus = await collect({
      topic: input.topic,
      sources: input.sources,
      limits,
      userAgent: ctx.config.research.userAgent,
      signal: ctx.signal,
      policy,
      onSource(source) {
        seen++;
        ctx.logger.debug(
          { url: source.url, status: source.status, reason: source.reason },
          'research: source',
        );
        ctx.emit('research:source', {
          missionId: ctx.task.missionId,
          url: source.url,
          status: source.status,
          ...(source.reason ? { reason: source.reason } : {}),
        });
        ctx
          .progress(Math.min(0.95, seen / Math.max(1, limits.maxPages)), `${seen} sources`)
          .catch(() => undefined);
      },
    });
    const corpusPath = await ctx.writeArtifact('corpus.json', `${JSON.stringify(corpus, null, 2)}\n`);
    ctx.logger.info({ ...corpus.stats, corpusPath }, 'research: collection finished');
    const failures = failuresOf(corpus);
    if (corpus.stats.collected === 0) {
      // Nothing readable: the later steps would only dress up an empty report as a success.
      const listed = failures.map((f) => `${f.source}: ${f.reason}`).join('; ');
      throw new MagnaError(
        'RESEARCH_NO_USABLE_SOURCES',
        `None of the ${input.sources.length} sources could be read${listed ? `: ${listed}` : ''}.`,
        { details: { sources: failures, corpusPath } },
      );
    }
    return {
      topic: corpus.topic,
      corpusPath,
      collected: corpus.stats.collected,
      failed: corpus.stats.failed,
      skipped: corpus.stats.skipped,
      durationMs: corpus.stats.durationMs,
      ...(failures.length > 0
        ? {
            failures,
            warnings: [
              ...failures.map((f) => `source not collected: ${f.source}: ${f.reason}`),
              ...(corpus.stats.failed > failures.length
                ? [`${corpus.stats.failed - failures.length} more sources not collected (see corpus.json)`]
                : []),
            ],
          }
        : {}),
    };
  },
});

/**
 * Every seed is checked before anything is fetched: one refused seed fails the task with
 * RESEARCH_SOURCE_FORBIDDEN (recorded on the task and its mission) and no source is requested.
 */
async function refuseForbiddenSeeds(sources: string[], policy: SourcePolicy): Promise<void> {
  const refused: Array<{ source: string; reason: string }> = [];
  for (const raw of sources) {
    const source = raw.trim();
    const kind = sourceKind(source);
    if (kind === 'unsupported') continue;
    const verdict =
      kind === 'web' ? await policy.checkUrl(source) : await policy.checkPath(source, process.cwd());
    if (!verdict.allowed) refused.push({ source, reason: verdict.reason });
  }
  if (refused.length > 0) {
    throw new MagnaError(
      'RESEARCH_SOURCE_FORBIDDEN',
      `Source refused: ${refused.map((r) => `${r.source} (${r.reason})`).join('; ')}`,
      { details: { refused } },
    );
  }
}
