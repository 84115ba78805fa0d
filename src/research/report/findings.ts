import type { Analysis, QuantClaim } from '../analyze/types.js';
import type { Corpus } from '../types.js';
import { Computations, quote } from './format.js';
import type { ReportClaim } from './types.js';

/** Claims of the summary, key findings, topics and key phrases. */
const KEY_FINDINGS = 8;
const SUMMARY_FINDINGS = 3;
const THEME_KEYWORDS = 5;
const MAX_THEME_CITATIONS = 6;

function nounOverlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const set = new Set(a);
  return b.filter((n) => set.has(n)).length / Math.min(a.length, b.length);
}

function sourceOrder(id: string): number {
  return Number(id.slice(1));
}

function byIdOrder(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort((a, b) => sourceOrder(a) - sourceOrder(b));
}

export interface RankedFinding {
  sentence: string;
  sourceId: string;
  index: number;
  citations: string[];
  score: number;
}

/**
 * Quantitative sentences ranked by how much they say: a named subject, a year, money or a share,
 * topic keywords, and other sources stating the same value (which are cited too).
 */
export function rankFindings(analysis: Analysis): RankedFinding[] {
  const topTerms = new Set(analysis.keywords.slice(0, 10).map((k) => k.term));
  const bySentence = new Map<string, { claims: QuantClaim[] }>();
  for (const claim of analysis.claims) {
    const key = `${claim.sourceId}#${claim.index}`;
    const entry = bySentence.get(key) ?? { claims: [] };
    entry.claims.push(claim);
    bySentence.set(key, entry);
  }
  const ranked: RankedFinding[] = [];
  for (const { claims } of bySentence.values()) {
    const head = claims[0]!;
    // Another source corroborates when it states the same value and unit about the same thing.
    const corroborating = analysis.claims.filter(
      (o) =>
        o.sourceId !== head.sourceId &&
        claims.some(
          (c) =>
            c.unit === o.unit &&
            c.value === o.value &&
            (c.subject === o.subject || nounOverlap(c.nouns, o.nouns) >= 0.5),
        ),
    );
    let score = 0;
    if (claims.some((c) => c.subjectIsEntity)) score += 2;
    // A sentence opening with a pronoun ("It is the largest…") cannot be quoted out of context:
    // the quotation must stay word for word, so it is dropped rather than rewritten.
    if (/^(it|its|they|their|this|these|those|that|he|his|she|her|we|our)\b/i.test(head.sentence)) continue;
    if (claims.some((c) => c.year !== undefined)) score += 1;
    if (claims.some((c) => c.unit === '%' || /^[A-Z]{3}/.test(c.unit))) score += 1;
    score += Math.min(3, head.nouns.filter((n) => topTerms.has(n)).length);
    score += new Set(corroborating.map((c) => c.sourceId)).size;
    ranked.push({
      sentence: head.sentence,
      sourceId: head.sourceId,
      index: head.index,
      citations: byIdOrder([head.sourceId, ...corroborating.map((c) => c.sourceId)]),
      score,
    });
  }
  return ranked.sort(
    (a, b) => b.score - a.score || sourceOrder(a.sourceId) - sourceOrder(b.sourceId) || a.index - b.index,
  );
}

export function summaryClaims(
  corpus: Corpus,
  analysis: Analysis,
  ranked: RankedFinding[],
  nextId: () => string,
): ReportClaim[] {
  const out: ReportClaim[] = [];
  const c = new Computations();
  const ok = corpus.sources.filter((s) => s.status === 'ok').length;
  const failed = corpus.sources.filter((s) => s.status === 'failed').length;
  const skipped = corpus.sources.filter((s) => s.status === 'skipped').length;
  const date = corpus.createdAt.slice(0, 10);
  for (const n of date.split('-')) c.put(Number(n), 0, 'collection date, UTC');
  out.push({
    id: nextId(),
    section: 'meta',
    text: `Collected on ${date} (collection date, UTC): ${c.put(ok, 0, 'count of records')} readable sources, ${c.put(failed, 0, 'count of records')} failed and ${c.put(skipped, 0, 'count of records')} skipped (count of records).`,
    citations: [],
    basis: 'collection',
    computed: c.values,
  });
  const themes = analysis.keywords.slice(0, THEME_KEYWORDS);
  if (themes.length > 0) {
    const hits = new Map<string, number>();
    for (const k of themes) for (const id of k.sources) hits.set(id, (hits.get(id) ?? 0) + 1);
    const cited = [...hits.entries()]
      .sort((a, b) => b[1] - a[1] || sourceOrder(a[0]) - sourceOrder(b[0]))
      .slice(0, MAX_THEME_CITATIONS)
      .map(([id]) => id);
    out.push({
      id: nextId(),
      section: 'summary',
      text: `Recurring themes across the sources: ${themes.map((k) => k.term).join(', ')}.`,
      citations: byIdOrder(cited),
      basis: 'sources',
      computed: [],
    });
  }
  for (const finding of ranked.slice(0, SUMMARY_FINDINGS)) {
    out.push({
      id: nextId(),
      section: 'summary',
      text: quote(finding.sentence),
      citations: finding.citations,
      basis: 'sources',
      computed: [],
    });
  }
  return out;
}

export function keyFindingClaims(ranked: RankedFinding[], nextId: () => string): ReportClaim[] {
  return ranked.slice(0, KEY_FINDINGS).map((finding) => ({
    id: nextId(),
    section: 'findings',
    text: quote(finding.sentence),
    citations: finding.citations,
    basis: 'sources',
    computed: [],
  }));
}

export function topicClaims(analysis: Analysis, corpus: Corpus, nextId: () => string): ReportClaim[] {
  const titles = new Map(corpus.sources.map((s) => [s.id, s.title]));
  const out: ReportClaim[] = analysis.topics.map((topic) => ({
    id: nextId(),
    section: 'topics',
    text: `Topic ${topic.label}: ${topic.sources.map((id) => titles.get(id) ?? id).join('; ')}.`,
    citations: topic.sources,
    basis: 'sources',
    computed: [],
  }));
  if (analysis.keyPhrases.length > 0) {
    out.push({
      id: nextId(),
      section: 'topics',
      text: `Key phrases: ${analysis.keyPhrases.map((p) => p.phrase.replace(/ (['’])/g, '$1')).join(', ')}.`,
      citations: byIdOrder(analysis.keyPhrases.flatMap((p) => p.sources)).slice(0, 10),
      basis: 'sources',
      computed: [],
    });
  }
  return out;
}
