import type { Disagreement, QuantClaim } from './types.js';

/**
 * Claims from different sources that seem to measure the same thing but differ: same unit, same
 * year, values within a factor of 2 of each other yet more than 2% apart, the same subject when
 * either names an entity, and sentences sharing at least half of the smaller set of nouns. These
 * become open questions in the report, never silent picks of one value.
 */
const MIN_DIFFERENCE = 0.02;
const MAX_RATIO = 2;
const MIN_NOUN_OVERLAP = 0.5;

function nounOverlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const set = new Set(a);
  return b.filter((n) => set.has(n)).length / Math.min(a.length, b.length);
}

export function findDisagreements(claims: QuantClaim[]): Disagreement[] {
  const out: Disagreement[] = [];
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const a = claims[i]!;
      const b = claims[j]!;
      if (a.sourceId === b.sourceId || a.unit !== b.unit || a.year === undefined || a.year !== b.year)
        continue;
      if ((a.subjectIsEntity || b.subjectIsEntity) && a.subject !== b.subject) continue;
      const big = Math.max(Math.abs(a.value), Math.abs(b.value));
      const small = Math.min(Math.abs(a.value), Math.abs(b.value));
      if (small === 0 || big / small > MAX_RATIO || (big - small) / big <= MIN_DIFFERENCE) continue;
      if (Math.sign(a.value) !== Math.sign(b.value)) continue;
      if (nounOverlap(a.nouns, b.nouns) < MIN_NOUN_OVERLAP) continue;
      out.push({ a, b, differencePct: (Math.abs(a.value - b.value) / big) * 100 });
    }
  }
  return out;
}
