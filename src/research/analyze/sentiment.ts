import type { SentenceInfo } from './nlp.js';
import type { SourceSentiment } from './types.js';

/**
 * Sentiment per source: the mean of wink-nlp's sentence scores (-1..1). Scores within ±0.05 are
 * neutral, the usual cut-off for lexicon scores of this range.
 */
export const NEUTRAL_BAND = 0.05;

export function sourceSentiment(sourceId: string, sentences: SentenceInfo[]): SourceSentiment {
  const score =
    sentences.length === 0 ? 0 : sentences.reduce((sum, s) => sum + s.sentiment, 0) / sentences.length;
  const rounded = Math.round(score * 1e4) / 1e4;
  const label = rounded > NEUTRAL_BAND ? 'positive' : rounded < -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { sourceId, score: rounded, label, sentences: sentences.length };
}
