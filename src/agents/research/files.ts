import { MagnaError } from '../../core/errors.js';
import type { Analysis } from '../../research/analyze/types.js';
import type { Corpus } from '../../research/types.js';
import { readArtifactText } from '../artifact-access.js';
import type { SkillContext } from '../sdk.js';

/** Loads the JSON artifacts the research skills hand to each other, with coded errors. */
async function readJson(ctx: SkillContext, path: string, what: string): Promise<unknown> {
  const text = await readArtifactText(ctx, path, what);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MagnaError('INVALID_ARGUMENT', `The ${what} file ${path} is not valid JSON.`, {
      cause,
      details: { path },
    });
  }
}

export async function readCorpus(ctx: SkillContext, path: string): Promise<Corpus> {
  const value = (await readJson(ctx, path, 'corpus')) as Partial<Corpus>;
  if (!Array.isArray(value?.sources) || typeof value.topic !== 'string') {
    throw new MagnaError('INVALID_ARGUMENT', `The corpus file ${path} has no sources list.`, {
      details: { path },
    });
  }
  return value as Corpus;
}

export async function readAnalysis(ctx: SkillContext, path: string): Promise<Analysis> {
  const value = (await readJson(ctx, path, 'analysis')) as Partial<Analysis>;
  if (!Array.isArray(value?.claims) || !Array.isArray(value.series)) {
    throw new MagnaError('INVALID_ARGUMENT', `The analysis file ${path} is not an analysis.`, {
      details: { path },
    });
  }
  return value as Analysis;
}

/**
 * A corpus with no readable source gives an analysis and a report with nothing in them; the step
 * that would write them fails instead, so the mission cannot claim a success it did not have.
 */
export function requireReadable(corpus: Corpus, path: string, step: string): void {
  if (corpus.sources.some((s) => s.status === 'ok' && s.text.trim() !== '')) return;
  throw new MagnaError(
    'STEP_OUTPUT_EMPTY',
    `${step} has nothing to work on: the corpus ${path} holds no readable source (${corpus.sources.length} listed, none read).`,
    { details: { path, sources: corpus.sources.length } },
  );
}
