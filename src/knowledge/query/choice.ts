import nlp from 'compromise';
import { contentTerms, words } from '../text/normalize.js';
import { sentences } from '../text/sentences.js';
import type { PooledPassage } from './span-ranking.js';

export interface ChoiceResult {
  option: string;
  sentence: string;
  passage: PooledPassage;
  /** 0..1: how clearly the evidence separates the options. */
  margin: number;
  /** Whether the choice came from comparing values (years, counts) rather than coverage alone. */
  compared: boolean;
}

const EARLIER = /\b(first|earlier|earliest|older|oldest|before|longer|longest)\b/i;
const MORE = /\b(more|most|larger|largest|bigger|biggest|higher|highest|greater|greatest)\b/i;

interface Evidence {
  option: string;
  coverage: number;
  sentence: string;
  passage: PooledPassage;
  year?: number;
  amount?: number;
}

/**
 * "Which came first, A or B?" / "Which has more X, A or B?": for each option, the sentence of a
 * passage that names it and best covers the question's relation terms. A comparative asks for
 * values: "first", "longer" compare the earliest year in that evidence, "more", "larger" the
 * largest number (numerals or number words). Otherwise the better-covered option wins.
 */
export function choose(
  pool: PooledPassage[],
  options: string[],
  question: string,
  relation: Map<string, number>,
): ChoiceResult | null {
  const evidence: Evidence[] = [];
  const totalIdf = [...relation.values()].reduce((a, b) => a + b, 0) || 1;
  for (const option of options) {
    const optionWords = words(option);
    let best: Evidence | undefined;
    for (const p of pool) {
      const passageWords = new Set(words(p.hit.text));
      if (!optionWords.every((w) => passageWords.has(w))) continue;
      for (const sentence of sentences(p.hit.text)) {
        const own = new Set(contentTerms(sentence));
        const sentenceWords = new Set(words(sentence));
        let covered = 0;
        for (const [t, w] of relation) if (own.has(t)) covered += w;
        const names = optionWords.every((w) => sentenceWords.has(w)) ? 1 : 0.6;
        const coverage = ((0.2 + covered / totalIdf) * names) / (1 + 0.1 * p.rank);
        if (!best || coverage > best.coverage) {
          const years = (sentence.match(/\b(1\d{3}|20\d{2})\b/g) ?? []).map(Number);
          const amounts = (nlp(sentence).numbers().get() as number[]).filter((n) => !years.includes(n));
          best = {
            option,
            coverage,
            sentence,
            passage: p,
            ...(years.length ? { year: Math.min(...years) } : {}),
            ...(amounts.length ? { amount: Math.max(...amounts) } : {}),
          };
        }
      }
    }
    if (best) evidence.push(best);
  }
  if (evidence.length < 2) return null;
  const [a, b] = evidence as [Evidence, Evidence];
  if (EARLIER.test(question) && a.year !== undefined && b.year !== undefined && a.year !== b.year) {
    const win = a.year < b.year ? a : b;
    return { ...pick(win), margin: Math.min(1, Math.abs(a.year - b.year) / 5), compared: true };
  }
  if (MORE.test(question) && a.amount !== undefined && b.amount !== undefined && a.amount !== b.amount) {
    const win = a.amount > b.amount ? a : b;
    const ratio = Math.min(a.amount, b.amount) / Math.max(a.amount, b.amount);
    return { ...pick(win), margin: 1 - ratio, compared: true };
  }
  const win = a.coverage >= b.coverage ? a : b;
  const lose = win === a ? b : a;
  return { ...pick(win), margin: 1 - lose.coverage / (win.coverage || 1), compared: false };
}

function pick(e: Evidence): Pick<ChoiceResult, 'option' | 'sentence' | 'passage'> {
  return { option: e.option, sentence: e.sentence, passage: e.passage };
}
