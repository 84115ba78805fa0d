import type { Answer } from '../src/knowledge/types.js';

/**
 * Grading of a span answer against a gold string, SQuAD-style normalisation (lower case,
 * punctuation and articles removed, white space collapsed):
 *  - correct: token F1 with the gold answer of at least 0.5 (SQuAD's token F1; "Bing Crosby"
 *    for "harry lillis bing crosby jr." scores 0.57, "Nixon" for "president richard nixon" 0.5,
 *    "Crosby" alone 0.33); exact match is counted beside it;
 *  - not found: the system said so;
 *  - wrong: anything else it asserted.
 * `containsGold` is the lenient test (gold anywhere in the answer text, however long), which is
 * how a whole-sentence answer was graded before answers were spans.
 */
export interface Graded {
  verdict: 'correct' | 'not found' | 'wrong';
  confidence: number;
  containsGold: boolean;
  /** Exact match after normalisation. */
  exact: boolean;
}

/** SQuAD token F1: harmonic mean of the shared-token precision and recall. */
export function f1(answer: string[], gold: string[]): number {
  const counts = new Map<string, number>();
  for (const w of gold) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of answer) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(w, c - 1);
    }
  }
  if (shared === 0) return 0;
  const p = shared / answer.length;
  const r = shared / gold.length;
  return (2 * p * r) / (p + r);
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
  if (!a.found || a.answer === null)
    return { verdict: 'not found', confidence: a.confidence, containsGold, exact: false };
  return {
    verdict: f1(t, g) >= 0.5 ? 'correct' : 'wrong',
    confidence: a.confidence,
    containsGold,
    exact: t.join(' ') === g.join(' '),
  };
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

/**
 * Logistic regression by batch gradient descent with a small L2 penalty (0.01), features
 * standardised to unit scale first and mapped back, so the weights are those of the raw features.
 */
export function fitLogistic(
  rows: Array<{ x: Record<string, number>; y: number }>,
  names: string[],
): Record<string, number> {
  const n = rows.length;
  const mean = names.map((k) => rows.reduce((s, r) => s + (r.x[k] ?? 0), 0) / n);
  const sd = names.map(
    (k, j) => Math.sqrt(rows.reduce((s, r) => s + ((r.x[k] ?? 0) - mean[j]!) ** 2, 0) / n) || 1,
  );
  const w = new Array(names.length).fill(0) as number[];
  let b = 0;
  for (let iter = 0; iter < 5000; iter++) {
    const gw = new Array(names.length).fill(0) as number[];
    let gb = 0;
    for (const r of rows) {
      const z = b + names.reduce((s, k, j) => s + (w[j]! * ((r.x[k] ?? 0) - mean[j]!)) / sd[j]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - r.y;
      gb += err;
      names.forEach((k, j) => {
        gw[j]! += (err * ((r.x[k] ?? 0) - mean[j]!)) / sd[j]!;
      });
    }
    b -= (0.5 * gb) / n;
    names.forEach((_, j) => {
      w[j]! -= 0.5 * (gw[j]! / n + 0.01 * w[j]!);
    });
  }
  const out: Record<string, number> = {
    bias: b - names.reduce((s, _, j) => s + (w[j]! * mean[j]!) / sd[j]!, 0),
  };
  names.forEach((k, j) => {
    out[k] = w[j]! / sd[j]!;
  });
  return out;
}
