import type { KeywordQuery } from '../store-port.js';
import { fold } from '../text/normalize.js';
import { nameOverlap, nameWords } from '../text/phrases.js';
import { type RankedList, reciprocalRankFusion } from './fusion.js';
import { analysePassage, candidateCount } from './passage-analysis.js';
import { categoryClass, type QuestionAnalysis } from './question.js';

/** A passage as the ranker sees it: text plus the names and category of what it is about. */
export interface RankablePassage {
  id: string;
  text: string;
  names: string[];
  category: string[];
}

/** What the ranker needs from the store, already limited to what the caller may read. */
export interface PassageIndex {
  /** BM25 over passages for an FTS5 MATCH expression; best first, higher score is better. */
  keyword(query: KeywordQuery, limit: number): Promise<Array<{ id: string; score: number }>>;
  load(ids: readonly string[]): Promise<Map<string, RankablePassage>>;
  /** Number of passages containing each stemmed term (for idf weights). */
  documentFrequency(terms: readonly string[]): Promise<{ total: number; df: Map<string, number> }>;
}

export interface PassageRankOptions {
  limit: number;
  /** BM25 candidates considered (the cap that keeps latency flat as the corpus grows). */
  candidates: number;
  /** Top keyword hits whose names are followed to the passages about them (the second hop). */
  bridgeFrom: number;
  /** Most bridge names looked up; each costs one name query. */
  maxBridgeNames: number;
  /**
   * Work budget of the bridge lookups, in index postings (the summed document frequency of the
   * words looked up): a name query costs about its posting lists, so the weakest links are dropped
   * once the budget is spent and the second hop's cost stops growing with the corpus.
   */
  bridgePostingBudget: number;
  /** Query terms found in more than this share of passages are left out of the keyword hop. */
  commonShare: number;
  /** Further ranked lists fused in (embeddings, graph proximity). */
  extraLists?: RankedList[];
}

export const DEFAULT_PASSAGE_RANK: PassageRankOptions = {
  limit: 10,
  candidates: 40,
  bridgeFrom: 5,
  maxBridgeNames: 20,
  // 2,000 postings: HotpotQA's bridge names (words in a handful of its 500 paragraphs) stay far
  // below it; on the synthetic corpus, where name words sit in up to 10% of the chunks, the bridge
  // lookups took a third of a hybrid query's CPU at 2,000 chunks and grew with the corpus.
  bridgePostingBudget: 2_000,
  commonShare: 0.1,
};

export interface RankedPassage {
  id: string;
  score: number;
  signals: { keyword?: number; answer: number; entity: number; bridgeFrom?: string };
}

interface Candidate {
  direct: number;
  via: number;
  parent?: string;
}

/**
 * Question-aware multi-hop passage ranking, offline and deterministic:
 *  1. keyword hop: BM25 over the question's content terms;
 *  2. bridge hop: names mentioned in the top keyword hits are looked up among the names of
 *     passages (what a passage is about), reaching the passage one link away ("the university
 *     where X taught" → X's page names the university → the university's page);
 *  3. each candidate gets an answer score: its idf-weighted coverage of the question (through
 *     the link for a bridged passage) × whether one of its sentences holds a span of the
 *     expected answer type next to the question's relation terms × whether the passage is about
 *     the kind of thing asked for ("university", "province");
 *  4. the answer score, BM25, entity match (the passage is about a name in the question) and the
 *     bridge list are fused by weighted reciprocal rank fusion.
 * Weights were set on the HotpotQA slice and kept round (3/2/1/1) to avoid fitting it.
 */
export async function rankPassages(
  question: QuestionAnalysis,
  index: PassageIndex,
  options: PassageRankOptions = DEFAULT_PASSAGE_RANK,
): Promise<RankedPassage[]> {
  const { total, df } = await index.documentFrequency(question.terms);
  // Terms in more than a tenth of the passages add little to BM25 but cost a long posting list.
  const specific = question.terms.filter(
    (t) => (df.get(t) ?? 0) > 0 && !isCommon(df.get(t) ?? 0, total, options.commonShare),
  );
  const terms = specific.length > 0 ? specific : question.terms;
  if (terms.length === 0) return [];
  const hop1 = await index.keyword({ terms }, options.candidates);
  if (hop1.length === 0 && !options.extraLists?.length) return [];
  const foldedQuestion = fold(question.text);
  const maxScore = hop1[0]?.score || 1;
  const candidates = new Map<string, Candidate>();
  for (const hit of hop1) candidates.set(hit.id, { direct: hit.score / maxScore, via: 0 });

  const firstHop = await index.load(hop1.slice(0, options.bridgeFrom).map((h) => h.id));
  await addBridges(hop1.slice(0, options.bridgeFrom), firstHop, candidates, foldedQuestion, index, options);
  for (const list of options.extraLists ?? []) {
    for (const id of list.ids) if (!candidates.has(id)) candidates.set(id, { direct: 0, via: 0 });
  }

  const passages = await index.load([...candidates.keys()]);
  const idf = (t: string) => {
    const n = df.get(t) ?? 0;
    return Math.log(1 + (total - n + 0.5) / (n + 0.5));
  };
  const totalIdf = question.terms.reduce((a, t) => a + idf(t), 0) || 1;
  const relationIdf = question.relationTerms.reduce((a, t) => a + idf(t), 0) || 1;
  const termsOf = (p: RankablePassage) => analysePassage(p.id, p.text, p.names);
  const questionNames = question.entities.map(nameWords).filter((n) => n.size > 0);
  const targets = new Set(question.targets);

  const scored: Array<{ id: string; answer: number; entity: number; direct: number }> = [];
  for (const [id, c] of candidates) {
    const p = passages.get(id);
    if (!p) continue;
    const own = termsOf(p);
    const parent = c.parent ? (passages.get(c.parent) ?? firstHop.get(c.parent)) : undefined;
    const parentTerms = parent ? termsOf(parent).terms : undefined;
    let covSelf = 0;
    let covChain = 0;
    for (const t of question.terms) {
      if (own.terms.has(t)) covSelf += idf(t);
      if (own.terms.has(t) || parentTerms?.has(t)) covChain += idf(t);
    }
    covSelf /= totalIdf;
    covChain /= totalIdf;
    let evidence = 0;
    for (const s of own.sentences) {
      if (candidateCount(s, question.answerType, foldedQuestion) === 0) continue;
      let overlap = 0;
      for (const t of question.relationTerms) if (s.terms.has(t)) overlap += idf(t);
      evidence = Math.max(evidence, 0.2 + overlap / relationIdf);
    }
    const typeMatch = p.category.some((cat) => targets.has(categoryClass(cat))) ? 1 : 0;
    const relevance = Math.max(c.direct * covSelf, c.via * covChain);
    let entity = 0;
    for (const name of p.names) {
      const nw = nameWords(name);
      for (const qn of questionNames) entity = Math.max(entity, nameOverlap(nw, qn));
    }
    scored.push({ id, answer: relevance * (0.5 + evidence) * (1 + typeMatch), entity, direct: c.direct });
  }
  const byAnswer = [...scored].sort((a, b) => b.answer - a.answer || cmp(a.id, b.id)).map((s) => s.id);
  const byEntity = scored
    .filter((s) => s.entity >= 0.5)
    .sort((a, b) => b.entity - a.entity || b.direct - a.direct || cmp(a.id, b.id))
    .map((s) => s.id);
  const byBridge = [...candidates.entries()]
    .filter(([, c]) => c.via > 0)
    .sort((a, b) => b[1].via - a[1].via || cmp(a[0], b[0]))
    .map(([id]) => id);
  const fused = reciprocalRankFusion([
    { ids: byAnswer, weight: 3, k: 1 },
    { ids: hop1.map((h) => h.id), weight: 1, k: 5 },
    { ids: byEntity, weight: 2, k: 5 },
    { ids: byBridge, weight: 1, k: 5 },
    ...(options.extraLists ?? []),
  ]);
  const info = new Map(scored.map((s) => [s.id, s]));
  return fused.slice(0, options.limit).map(({ id, score }) => {
    const s = info.get(id);
    const c = candidates.get(id);
    return {
      id,
      score,
      signals: {
        ...(c && c.direct > 0 ? { keyword: c.direct } : {}),
        answer: s?.answer ?? 0,
        entity: s?.entity ?? 0,
        ...(c?.parent ? { bridgeFrom: c.parent } : {}),
      },
    };
  });
}

async function addBridges(
  top: ReadonlyArray<{ id: string; score: number }>,
  loaded: Map<string, RankablePassage>,
  candidates: Map<string, Candidate>,
  foldedQuestion: string,
  index: PassageIndex,
  options: PassageRankOptions,
): Promise<void> {
  const maxScore = top[0]?.score || 1;
  const lookups: Array<{ parent: string; strength: number; name: Set<string> }> = [];
  const seen = new Set<string>();
  for (const hit of top) {
    const p = loaded.get(hit.id);
    if (!p) continue;
    for (const phrase of analysePassage(p.id, p.text, p.names).phrases) {
      const f = fold(phrase);
      if (f.length < 3 || /^[\d\s]+$/.test(f) || foldedQuestion.includes(f)) continue;
      const name = nameWords(phrase);
      if (name.size === 0) continue;
      const key = `${hit.id}|${[...name].join(' ')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lookups.push({ parent: hit.id, strength: hit.score / maxScore, name });
    }
  }
  // Strongest parents come first, so the cap drops the weakest links.
  const chosen = lookups.slice(0, options.maxBridgeNames);
  const { total, df } = await index.documentFrequency([...new Set(chosen.flatMap((l) => [...l.name]))]);
  const found: Array<{ lookup: (typeof lookups)[number]; ids: string[] }> = [];
  let postings = 0;
  for (const lookup of chosen) {
    // Only a name's specific words are looked up; "United" or "American" alone links to everything.
    const words = [...lookup.name].filter(
      (w) => (df.get(w) ?? 0) > 0 && !isCommon(df.get(w) ?? 0, total, options.commonShare),
    );
    if (words.length === 0) continue;
    const cost = words.reduce((sum, w) => sum + (df.get(w) ?? 0), 0);
    if (postings + cost > options.bridgePostingBudget) continue;
    postings += cost;
    const hits = await index.keyword({ terms: words, field: 'names' }, 5);
    found.push({ lookup, ids: hits.map((h) => h.id).filter((id) => id !== lookup.parent) });
  }
  const passages = await index.load([...new Set(found.flatMap((f) => f.ids))]);
  for (const { lookup, ids } of found) {
    for (const id of ids) {
      const p = passages.get(id);
      if (!p) continue;
      const best = Math.max(0, ...p.names.map((n) => nameOverlap(nameWords(n), lookup.name)));
      if (best < 0.5) continue;
      const c = candidates.get(id) ?? { direct: 0, via: 0 };
      if (lookup.strength > c.via) {
        c.via = lookup.strength;
        c.parent = lookup.parent;
      }
      candidates.set(id, c);
    }
  }
}

/**
 * A term is common when it occurs in more than `share` of the passages and in more than 50 of
 * them: in a small base every word is in a sizeable share of passages, yet none is costly.
 */
export function isCommon(df: number, total: number, share: number): boolean {
  return df > 50 && df / total > share;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
