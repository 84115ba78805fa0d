import type { Answer } from '../src/knowledge/types.js';

/**
 * Grading of a span answer against a gold string, SQuAD-style normalisation (lower case,
 * punctuation and articles removed, white space collapsed):
 *  - correct: the answer's words contain the gold words as a run and add at most 3 more
 *    ("Chief of Protocol of the United States" for "chief of protocol"), or the gold contains
 *    the answer and the answer holds at least half of the gold's words ("Nixon" is not enough
 *    for "president richard nixon", "Richard Nixon" is);
 *  - not found: the system said so;
 *  - wrong: anything else it asserted.
 * `containsGold` is the lenient test (gold anywhere in the answer text, however long), which is
 * how a whole-sentence answer was graded before answers were spans.
 */
export interface Graded {
  verdict: 'correct' | 'not found' | 'wrong';
  confidence: number;
  containsGold: boolean;
}

export function tokens(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && !['a', 'an', 'the'].includes(w));
}

function containsRun(hay: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= hay.length; i++)
    if (needle.every((w, j) => hay[i + j] === w)) return true;
  return false;
}

export function answerVerdict(a: Answer, gold: string): Graded {
  const g = tokens(gold);
  const t = tokens(a.answer ?? '');
  const containsGold = a.answer !== null && containsRun(t, g);
  if (!a.found || a.answer === null) return { verdict: 'not found', confidence: a.confidence, containsGold };
  const correct =
    (containsGold && t.length <= g.length + 3) || (containsRun(g, t) && t.length * 2 >= g.length);
  return { verdict: correct ? 'correct' : 'wrong', confidence: a.confidence, containsGold };
}

/** Accuracy per confidence bin (answers given only), expected calibration error and Brier score. */
export function calibration(graded: Graded[]): {
  bins: Array<{ bin: string; answers: number; accuracy: string; 'mean confidence': string }>;
  ece: number;
  brier: number;
} {
  const given = graded.filter((g) => g.verdict !== 'not found');
  const edges = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];
  const bins = [];
  let ece = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const inBin = given.filter((g) => g.confidence >= edges[i]! && g.confidence < edges[i + 1]!);
    const acc = inBin.filter((g) => g.verdict === 'correct').length / (inBin.length || 1);
    const conf = inBin.reduce((s, g) => s + g.confidence, 0) / (inBin.length || 1);
    ece += (inBin.length / (given.length || 1)) * Math.abs(acc - conf);
    bins.push({
      bin: `${edges[i]!.toFixed(1)}–${Math.min(1, edges[i + 1]!).toFixed(1)}`,
      answers: inBin.length,
      accuracy: inBin.length ? acc.toFixed(2) : '-',
      'mean confidence': inBin.length ? conf.toFixed(2) : '-',
    });
  }
  const brier =
    given.reduce((s, g) => s + (g.confidence - (g.verdict === 'correct' ? 1 : 0)) ** 2, 0) /
    (given.length || 1);
  return { bins, ece, brier };
}
