import { contentTerms, fold, stem, words } from '../text/normalize.js';
import { leadSubject } from '../text/phrases.js';
import { sentences } from '../text/sentences.js';
import type { SearchHit } from '../types.js';
import type { ExpectedType } from './answer-type.js';
import { categoryClass } from './question.js';
import { type Span, spansOf } from './spans.js';

/** A passage read for the answer, with the passage it was reached through (two-hop). */
export interface PooledPassage {
  hit: SearchHit;
  rank: number;
  /** Text of the passage this one was reached from (a bridge), whose terms count at half weight. */
  parentText?: string;
  parentHit?: SearchHit;
  /** Multiplies every span score from this passage (default 1). */
  weight?: number;
}

export interface QuestionTerms {
  /** Stemmed question terms with their idf weight (wh-phrase words removed). */
  weights: Map<string, number>;
  /** Terms naming the question's entities (they may be covered anywhere in the passage). */
  entityTerms: Set<string>;
  foldedQuestion: string;
  questionWords: Set<string>;
  type: ExpectedType;
  /** For "how many X": X. */
  unitHint?: string;
  /** A name the answer must not be (the bridge entity of a two-hop question). */
  exclude?: string;
  /** Category nouns of the bridge ("a province whose capital ..."): a name headed by one is the bridge. */
  bridgeNouns: Set<string>;
  /** The same nouns as written ("author"), to type the bridge entity. */
  bridgeWords: string[];
  /** Category nouns asked for ("what arena"): a name headed by one fits better. */
  targets: Set<string>;
}

export interface RankedSpan {
  text: string;
  key: string;
  score: number;
  /** Distinct passages holding this span in a scored sentence. */
  support: number;
  fit: number;
  sentence: string;
  passage: PooledPassage;
}

/**
 * Relation synonyms a term match would miss; kept to titles that are nearly always written out
 * ("CEO" in the question, "chief executive" in the text).
 */
const EXPANSIONS: Record<string, string[]> = {
  ceo: ['chief', 'executive'],
  cfo: ['chief', 'financial'],
  cto: ['chief', 'technology'],
};

/** Adds the abbreviation when all its words are present ("chief executive" → also "ceo"). */
function withExpansions(terms: Set<string>): Set<string> {
  for (const [abbreviation, parts] of Object.entries(EXPANSIONS))
    if (parts.every((p) => terms.has(p))) terms.add(abbreviation);
  return terms;
}

/** Tokens with their stems and positions, for the span-to-question-term distance. */
function tokenStems(sentence: string): Array<{ stem: string; at: number }> {
  const out: Array<{ stem: string; at: number }> = [];
  for (const m of sentence.matchAll(/[\p{L}\p{N}]+/gu))
    out.push({ stem: stem(fold(m[0])), at: m.index ?? 0 });
  return out;
}

/**
 * Scores every span of the expected type in every sentence of the pooled passages:
 *   sentence coverage (idf share of the question's terms found in the sentence; entity terms
 *   also count when found elsewhere in the passage at 0.7, or in the bridge parent at 0.5)
 *   × type fit × closeness to a question term in the sentence (1 / (1 + tokens / 6))
 *   × novelty (spans already in the question are not answers) × passage rank (1 / (1 + 0.1 rank)).
 * A span's score is its best occurrence plus a quarter of each other passage's best, so two
 * passages agreeing count for more than one.
 */
export function rankSpans(pool: PooledPassage[], q: QuestionTerms): RankedSpan[] {
  const totalIdf = [...q.weights.values()].reduce((a, b) => a + b, 0) || 1;
  const byKey = new Map<string, { best: RankedSpan; perPassage: Map<string, number> }>();
  const excluded = q.exclude ? new Set(words(q.exclude)) : undefined;

  /** Records one occurrence of a span: coverage × fit × closeness × novelty × passage rank. */
  const offer = (
    span: Span,
    sentence: string,
    p: PooledPassage,
    coverage: number,
    closeness: number,
    about = 1,
  ) => {
    const spanWords = words(span.text);
    if (spanWords.length === 0) return;
    const inQuestion = spanWords.filter((w) => q.questionWords.has(w)).length / spanWords.length;
    if (inQuestion >= 1 || q.foldedQuestion.includes(fold(span.text))) return;
    if (excluded && spanWords.every((w) => excluded.has(w))) return;
    const head = categoryClass(stem(spanWords[spanWords.length - 1]!));
    if (q.bridgeNouns.has(head)) return;
    const fit = q.targets.has(head) ? Math.min(1, span.fit * 1.5) : span.fit;
    const score =
      coverage * about * fit * closeness * (1 - 0.7 * inQuestion) * ((p.weight ?? 1) / (1 + 0.1 * p.rank));
    const key = spanWords.join(' ');
    const candidate: RankedSpan = { text: span.text, key, score, support: 1, fit, sentence, passage: p };
    const entry = byKey.get(key);
    if (!entry) byKey.set(key, { best: candidate, perPassage: new Map([[p.hit.chunkId, score]]) });
    else {
      if (score > entry.best.score) entry.best = candidate;
      entry.perPassage.set(p.hit.chunkId, Math.max(entry.perPassage.get(p.hit.chunkId) ?? 0, score));
    }
  };

  // Relation words the answer sits next to: the question's non-name terms and their spellings-out.
  const anchorStems = new Set<string>();
  for (const t of q.weights.keys()) {
    if (q.entityTerms.has(t) && !EXPANSIONS[t]) continue;
    anchorStems.add(t);
    for (const e of EXPANSIONS[t] ?? []) anchorStems.add(e);
  }
  for (const p of pool) {
    const passageTerms = withExpansions(
      new Set([...contentTerms(p.hit.text), ...contentTerms(p.hit.title ?? '')]),
    );
    // A passage whose title names what is asked ("Home battery market outlook") is about it;
    // one that mentions it in passing ("Northwind ... put the market at") less so.
    let titled = 0;
    for (const t of new Set(contentTerms(p.hit.title ?? ''))) titled += q.weights.get(t) ?? 0;
    const aboutness = 1 + 0.5 * (titled / totalIdf);
    const parentTerms = p.parentText ? new Set(contentTerms(p.parentText)) : undefined;
    // A passage that does not name what the question is about (nor reaches it through its
    // bridge parent) cannot answer it: "Who is the CEO of Quillon Labs?" is not answered from
    // a passage about another company's CEO, however well the relation matches.
    if (entityShare(q, passageTerms, parentTerms) < 0.5) continue;
    const all = sentences(p.hit.text);
    // The passage's own subject answers a question that describes it ("which airport ranks as
    // the 8th busiest ... and replaced X"): offered with 0.8 of the whole passage's coverage.
    const lead = all[0];
    const subject = lead ? leadSubject(lead) : undefined;
    if (lead && subject && !['date', 'number', 'quantity'].includes(q.type)) {
      let covered = 0;
      for (const [t, w] of q.weights) {
        if (passageTerms.has(t)) covered += w;
        else if (parentTerms?.has(t)) covered += 0.5 * w;
      }
      const span = spansOf(lead, q.type, q.unitHint).find((s) => subject.startsWith(s.text));
      if (span) offer({ ...span, text: subject }, lead, p, (0.8 * covered) / totalIdf, 0.8, aboutness);
    }
    for (const sentence of all) {
      const own = withExpansions(new Set(contentTerms(sentence)));
      let covered = 0;
      for (const [t, w] of q.weights) {
        if (own.has(t)) covered += w;
        else if (q.entityTerms.has(t) && passageTerms.has(t)) covered += 0.7 * w;
        else if (parentTerms?.has(t)) covered += 0.5 * w;
      }
      const coverage = covered / totalIdf;
      if (coverage < 0.15) continue;
      const tokens = tokenStems(sentence);
      const anchors = tokens.map((t, i) => ({ ...t, i })).filter((t) => anchorStems.has(t.stem));
      for (const span of spansOf(sentence, q.type, q.unitHint)) {
        let closeness = 0.5;
        if (anchors.length > 0) {
          const found = tokens.findIndex((t) => t.at >= span.at);
          const index = found < 0 ? tokens.length : found;
          closeness = 1 / (1 + Math.min(...anchors.map((a) => Math.abs(a.i - index))) / 6);
        }
        offer(span, sentence, p, coverage, closeness, aboutness);
      }
    }
  }
  const ranked: RankedSpan[] = [];
  for (const { best, perPassage } of byKey.values()) {
    const scores = [...perPassage.values()].sort((a, b) => b - a);
    const total = (scores[0] ?? 0) + 0.25 * scores.slice(1).reduce((a, b) => a + b, 0);
    ranked.push({ ...best, score: total, support: scores.length });
  }
  return ranked.sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
}

/** Idf share of the question's entity terms found in the passage or its bridge parent (1 when none). */
function entityShare(q: QuestionTerms, passage: Set<string>, parent: Set<string> | undefined): number {
  let total = 0;
  let found = 0;
  for (const t of q.entityTerms) {
    const w = q.weights.get(t);
    if (w === undefined) continue;
    total += w;
    if (passage.has(t) || parent?.has(t)) found += w;
  }
  return total === 0 ? 1 : found / total;
}
