import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineSkill } from '../sdk.js';
import { readCorpus, requireReadable } from './files.js';
import { fromUpstream } from './upstream.js';

/** `research.analyze`: text and table analysis of the corpus; writes `analysis.json`. */
export const analyzeSkill = defineSkill({
  name: 'research.analyze',
  description:
    'Analyses a collected corpus: keywords, entities, sentiment, topics, quantitative claims and series statistics.',
  input: z.object({ topic: z.string().optional(), corpusPath: z.string().optional() }),
  output: z.object({
    analysisPath: z.string(),
    corpusPath: z.string(),
    sources: z.number().int(),
    keywords: z.array(z.string()),
    entities: z.number().int(),
    claims: z.number().int(),
    series: z.number().int(),
  }),
  async handler(input, ctx) {
    const corpusPath = input.corpusPath ?? fromUpstream(ctx.upstream, 'collect', 'corpusPath');
    if (!corpusPath)
      throw new MagnaError(
        'INVALID_ARGUMENT',
        'research.analyze needs a corpusPath (input or upstream collect step).',
      );
    const corpus = await readCorpus(ctx, corpusPath);
    requireReadable(corpus, corpusPath, 'research.analyze');
    // The NLP stacks (compromise, wink) load on the first analysis, not at start-up.
    const { analyzeCorpus } = await import('../../research/analyze/index.js');
    const analysis = analyzeCorpus(corpus);
    const analysisPath = await ctx.writeArtifact('analysis.json', `${JSON.stringify(analysis, null, 2)}\n`);
    ctx.logger.info(
      { analysisPath, sources: analysis.sources.length, series: analysis.series.length },
      'research: analysis finished',
    );
    return {
      analysisPath,
      corpusPath,
      sources: analysis.sources.length,
      keywords: analysis.keywords.slice(0, 10).map((k) => k.term),
      entities: analysis.entities.length,
      claims: analysis.claims.length,
      series: analysis.series.length,
    };
  },
});
