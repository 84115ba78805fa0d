import { contentTerms, fold } from '../text/normalize.js';
import { capitalisedPhrases } from '../text/phrases.js';
import { sentences } from '../text/sentences.js';
import type { AnswerType } from './question.js';

/** What ranking needs from a passage's text, computed once per chunk (chunks never change). */
export interface PassageAnalysis {
  terms: Set<string>;
  phrases: string[];
  sentences: Array<{
    text: string;
    terms: Set<string>;
    phrases: string[];
    years: string[];
    numbers: string[];
  }>;
}

/**
 * Chunk ids are immutable (a revised document gets new chunks), so the analysis is cached by id.
 * 20,000 entries hold the working set of a busy base in about 60 MB; the oldest go first.
 */
const MAX_ENTRIES = 20_000;
const cache = new Map<string, PassageAnalysis>();

export function analysePassage(id: string, text: string, names: readonly string[]): PassageAnalysis {
  const hit = cache.get(id);
  if (hit) return hit;
  const sents = sentences(text).map((s) => ({
    text: s,
    terms: new Set(contentTerms(s)),
    phrases: capitalisedPhrases(s).map(fold),
    years: s.match(/\b(?:1\d{3}|20\d{2})\b/g) ?? [],
    numbers: s.match(/\b\d[\d,.]*\b/g) ?? [],
  }));
  const terms = new Set<string>();
  for (const s of sents) for (const t of s.terms) terms.add(t);
  for (const n of names) for (const t of contentTerms(n)) terms.add(t);
  const analysis: PassageAnalysis = { terms, phrases: capitalisedPhrases(text), sentences: sents };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(id, analysis);
  return analysis;
}

/** Spans of the expected type in an analysed sentence that the question does not already contain. */
export function candidateCount(
  sentence: PassageAnalysis['sentences'][number],
  type: AnswerType,
  foldedQuestion: string,
): number {
  let n = 0;
  if (type === 'year') {
    for (const y of sentence.years) if (!foldedQuestion.includes(y)) n++;
    return n;
  }
  if (type === 'number') {
    for (const x of sentence.numbers) if (!foldedQuestion.includes(x)) n++;
    return n;
  }
  for (const phrase of sentence.phrases) {
    if (foldedQuestion.includes(phrase)) continue;
    if (phrase.split(/\s+/).every((w) => foldedQuestion.includes(w))) continue;
    n++;
  }
  return n;
}
