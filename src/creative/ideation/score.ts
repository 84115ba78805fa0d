import { terms } from '../content/plan.js';
import type { Evidence } from '../evidence.js';
import type { RawIdea } from './generate.js';

/**
 * Scores, deduplication and ranking, each with its reasoning.
 * - Novelty = 1 − the highest Jaccard similarity between the idea's terms and any one statement
 *   the knowledge base holds (a fact, or a sentence of a cited document): 1 means nothing like
 *   it is known, 0 that it is already written down.
 * - Feasibility against the user's constraints: an idea naming an avoided term scores 0; else
 *   0.4 + 0.6 × the share of required terms it covers (0.7 when none are required), plus 0.1 when
 *   every concept it uses has facts in the knowledge base (it builds on something known), at most 1.
 * - Ideas whose term sets overlap by Jaccard ≥ 0.8 are duplicates; the better-ranked one stays.
 * - Rank by 0.5 × novelty + 0.5 × feasibility, ties by text: the same inputs, the same order.
 */
export interface Constraints {
  require: string[];
  avoid: string[];
}

export interface Idea extends RawIdea {
  novelty: number;
  feasibility: number;
  score: number;
  reasoning: string[];
  /** How many near-duplicates were folded into this idea. */
  merged: number;
}

export const DUPLICATE_JACCARD = 0.8;

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  return both / (a.size + b.size - both);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function knownStatements(evidence: Evidence): string[] {
  const out = evidence.facts.map((f) => `${f.subject} ${f.predicate.replace(/_/g, ' ')} ${f.value}`);
  for (const source of evidence.corpus.sources)
    out.push(...source.text.split(/(?<=[.!?])\s+/).filter((s) => s.length > 0));
  return out;
}

export function scoreIdeas(
  raw: RawIdea[],
  evidence: Evidence,
  constraints: Constraints,
  problem: string,
): { ideas: Idea[]; duplicates: number } {
  const known = knownStatements(evidence).map((text) => ({ text, terms: terms(text) }));
  const problemTerms = terms(problem);
  const grounded = new Set(evidence.facts.flatMap((f) => [f.subject, f.value]));
  const scored: Array<Idea & { termSet: Set<string> }> = raw.map((idea) => {
    const all = terms(idea.text);
    // Novelty is judged on what the idea adds to the problem statement, not on the problem's own words.
    const own = new Set([...all].filter((t) => !problemTerms.has(t)));
    let closest = { text: '', similarity: 0 };
    for (const k of known) {
      const similarity = jaccard(own, k.terms);
      if (similarity > closest.similarity) closest = { text: k.text, similarity };
    }
    const novelty = round(1 - closest.similarity);
    const reasoning = [
      `${idea.method}${idea.move ? ` (${idea.move})` : ''}`,
      closest.text
        ? `novelty ${novelty.toFixed(3)} = 1 − Jaccard ${closest.similarity.toFixed(3)} with the closest known statement “${closest.text.slice(0, 120)}”`
        : `novelty ${novelty.toFixed(3)}: no known statement shares a term`,
    ];
    const lower = idea.text.toLowerCase();
    const avoided = constraints.avoid.filter((t) => lower.includes(t.toLowerCase()));
    let feasibility: number;
    if (avoided.length > 0) {
      feasibility = 0;
      reasoning.push(`feasibility 0: names avoided ${avoided.map((a) => `“${a}”`).join(', ')}`);
    } else {
      const covered = constraints.require.filter((t) => lower.includes(t.toLowerCase()));
      const base =
        constraints.require.length > 0 ? 0.4 + (0.6 * covered.length) / constraints.require.length : 0.7;
      const builds = idea.concepts.length > 0 && idea.concepts.every((c) => grounded.has(c));
      feasibility = round(Math.min(1, base + (builds ? 0.1 : 0)));
      reasoning.push(
        `feasibility ${feasibility.toFixed(3)} = ${constraints.require.length > 0 ? `0.4 + 0.6 × ${covered.length}/${constraints.require.length} required terms covered` : '0.7 (no required terms)'}${builds ? ' + 0.1 (its concepts have facts in the knowledge base)' : ''}`,
      );
    }
    const score = round(0.5 * novelty + 0.5 * feasibility);
    reasoning.push(`score ${score.toFixed(3)} = 0.5 × novelty + 0.5 × feasibility`);
    return { ...idea, novelty, feasibility, score, reasoning, merged: 0, termSet: all };
  });
  scored.sort((a, b) => b.score - a.score || a.text.localeCompare(b.text));
  const kept: Array<Idea & { termSet: Set<string> }> = [];
  let duplicates = 0;
  for (const idea of scored) {
    const twin = kept.find((k) => jaccard(k.termSet, idea.termSet) >= DUPLICATE_JACCARD);
    if (twin) {
      twin.merged++;
      duplicates++;
      continue;
    }
    kept.push(idea);
  }
  return { ideas: kept.map(({ termSet: _t, ...idea }) => idea), duplicates };
}
