import type { Principal } from '../../core/principal.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { contentTerms, fold, stem, words } from '../text/normalize.js';
import type { Answer, Citation, SearchHit } from '../types.js';
import { type ExpectedAnswer, expectedAnswer, nounType } from './answer-type.js';
import { choose } from './choice.js';
import { ANSWER_THRESHOLD, type ConfidenceFeatures, confidenceOf } from './confidence.js';
import { analyzeQuestion, categoryClass, type QuestionAnalysis } from './question.js';
import { search } from './retrieval.js';
import { type PooledPassage, type QuestionTerms, type RankedSpan, rankSpans } from './span-ranking.js';

export interface AnswerOptions {
  namespaces?: string[];
  /** Passages read for the answer (default 6). */
  passages?: number;
  /** Below this confidence the answer is "not found" (default ANSWER_THRESHOLD). */
  minConfidence?: number;
}

/** Words of the wh-phrase that name the kind of answer, not something the passage must contain. */
const WH_WORDS = new Set(['big', 'large', 'far', 'long', 'tall', 'high', 'old', 'heavy', 'year', 'date']);

/**
 * Extractive span answering:
 *  1. the expected answer type is read from the question (answer-type.ts);
 *  2. hybrid search retrieves the passages; a passage reached through a bridge brings its parent;
 *  3. for a two-hop question ("the university where X taught"), the bridge entity is resolved
 *     from the first passages (the best-scoring name there) and the knowledge base is queried
 *     again with it; the second hop's passages join the pool with the bridge passage as parent,
 *     and the bridge entity itself cannot be the answer;
 *  4. every span of the expected type in the pool is scored (span-ranking.ts) and the best one
 *     answers, with its supporting sentence (and the bridge sentence) and citations;
 *  5. confidence comes from a calibrated model of the span's features (confidence.ts); below
 *     the threshold the answer is "not found" and the best passages are returned instead.
 */
export async function answer(
  kb: KnowledgeBase,
  principal: Principal,
  question: string,
  options: AnswerOptions = {},
): Promise<Answer> {
  const scopeOptions = options.namespaces ? { namespaces: options.namespaces } : {};
  const limit = options.passages ?? 6;
  const hits = await search(kb, principal, question, { mode: 'hybrid', limit, ...scopeOptions });
  const expected = expectedAnswer(question);
  const q = analyzeQuestion(question);
  const base: Answer = {
    question,
    found: false,
    answer: null,
    sentences: [],
    confidence: 0,
    citations: [],
    label: [],
    expectedType: expected.type,
  };
  if (hits.length === 0 || q.terms.length === 0) return base;
  const terms = await questionTerms(kb, principal, q, expected, options.namespaces);
  const pool = await poolOf(kb, principal, hits, options.namespaces);
  const threshold = options.minConfidence ?? ANSWER_THRESHOLD;
  const notFound = (confidence: number, signals?: Record<string, number>): Answer => ({
    ...base,
    confidence: round(confidence),
    passages: hits.slice(0, 3).map((h) => ({ text: h.text, citation: citationOf(h), score: h.score })),
    ...(signals ? { signals } : {}),
  });

  if (expected.type === 'choice') {
    const relation = new Map([...terms.weights].filter(([t]) => !terms.entityTerms.has(t)));
    const c = choose(pool, expected.options, question, relation);
    if (!c) return notFound(0);
    const features = {
      score: c.compared ? 0.6 : 0.3,
      margin: c.margin,
      support: 1,
      fit: c.compared ? 1 : 0.5,
    };
    return finish(
      base,
      c.option,
      [{ sentence: c.sentence, passage: c.passage }],
      features,
      threshold,
      notFound,
    );
  }
  if (expected.type === 'yesno') return notFound(0);

  const { ranked, bridge } = await rankWithBridge(kb, principal, question, q, pool, terms, scopeOptions);
  const best = ranked[0];
  if (!best) return notFound(0);
  // The runner-up is a different answer: "12 March 2027" and "2027" are the same one.
  // Rivals are spans that fit the expected type about as well (a bare "46" is no rival to "$3.1 billion").
  const rivals = ranked.filter((r) => r !== best && r.fit >= 0.9 * best.fit);
  const second = rivals.find((r) => distinct(r, best));
  // A value (amount, count, date) from another document scoring at least 0.6 of the best is a
  // disagreement between sources: it is shown beside the answer, and the margin is then taken
  // against the next answer, since the reader sees both.
  const disagreement =
    second !== undefined &&
    ['quantity', 'number', 'date'].includes(expected.type) &&
    second.score >= 0.6 * best.score &&
    second.passage.hit.documentId !== best.passage.hit.documentId;
  const rival = disagreement
    ? rivals.find((r) => r !== second && distinct(r, best) && distinct(r, second))
    : second;
  const features: ConfidenceFeatures = {
    score: best.score,
    margin: rival ? 1 - rival.score / best.score : 1,
    support: best.support,
    fit: best.fit,
  };
  const support: Array<{ sentence: string; passage: PooledPassage }> = [];
  if (best.passage.parentHit) {
    const parent = best.passage.parentHit;
    const bridgeSentence =
      bridge && bridge.passage.hit.chunkId === parent.chunkId ? bridge.sentence : undefined;
    if (bridgeSentence) support.push({ sentence: bridgeSentence, passage: { hit: parent, rank: 0 } });
  }
  support.push({ sentence: best.sentence, passage: best.passage });
  const answered = finish(base, best.text, support, features, threshold, notFound);
  const alternatives =
    disagreement && second
      ? [{ text: second.text, sentence: second.sentence, citation: citationOf(second.passage.hit) }]
      : [];
  return answered.found && alternatives.length > 0 ? { ...answered, alternatives } : answered;
}

/**
 * Ranks the spans of the pool; for a two-hop question, first resolves the bridge entity and
 * queries again with it (see answer()).
 */
export async function rankWithBridge(
  kb: KnowledgeBase,
  principal: Principal,
  question: string,
  q: QuestionAnalysis,
  pool: PooledPassage[],
  terms: QuestionTerms,
  scopeOptions: { namespaces?: string[] },
): Promise<{ ranked: RankedSpan[]; bridge?: Bridge }> {
  let ranked = rankSpans(pool, terms);
  let bridge: Bridge | undefined;
  if (q.bridge) {
    bridge = resolveBridge(pool, terms);
    if (bridge) {
      const again = await search(kb, principal, `${bridge.name} ${question}`, {
        mode: 'hybrid',
        limit: 4,
        ...scopeOptions,
      });
      const b = bridge;
      const mentions = (h: SearchHit) =>
        h.chunkId !== b.passage.hit.chunkId && fold(h.text).includes(fold(b.name));
      const link = { parentText: b.passage.hit.text, parentHit: b.passage.hit };
      // Passages naming the bridge entity hang off the bridge passage; the bridge passage
      // itself answers the first hop, not the question, so it counts at half weight.
      const relinked = pool.map((p) => {
        if (p.hit.chunkId === b.passage.hit.chunkId) return { ...p, weight: 0.5 };
        return mentions(p.hit) && !p.parentText ? { ...p, ...link } : p;
      });
      const seen = new Set(pool.map((p) => p.hit.chunkId));
      const hop2 = again
        .filter((h) => !seen.has(h.chunkId) && mentions(h))
        .map((hit, i) => ({ hit, rank: i + 1, ...link }));
      ranked = rankSpans([...relinked, ...hop2], { ...terms, exclude: bridge.name });
    }
  }
  return bridge ? { ranked, bridge } : { ranked };
}

interface Bridge {
  name: string;
  sentence: string;
  passage: PooledPassage;
}

function finish(
  base: Answer,
  text: string,
  support: Array<{ sentence: string; passage: PooledPassage }>,
  features: ConfidenceFeatures,
  threshold: number,
  notFound: (confidence: number, signals?: Record<string, number>) => Answer,
): Answer {
  const confidence = confidenceOf(features);
  const signals = Object.fromEntries(Object.entries(features).map(([k, v]) => [k, round(v)]));
  if (confidence < threshold) return notFound(confidence, signals);
  const citations: Citation[] = [];
  for (const s of support)
    if (!citations.some((c) => c.chunkId === s.passage.hit.chunkId))
      citations.push(citationOf(s.passage.hit));
  return {
    ...base,
    found: true,
    answer: text,
    sentences: support.map((s) => ({
      text: s.sentence,
      score: round(features.score),
      citation: citations.find((c) => c.chunkId === s.passage.hit.chunkId)!,
    })),
    confidence: round(confidence),
    citations,
    label: [...new Set(citations.map((c) => c.namespace))].sort(),
    signals,
  };
}

/**
 * The bridge entity of a two-hop question: the best-scoring name of any type in the top two
 * passages, which the question does not already name.
 */
function resolveBridge(pool: PooledPassage[], terms: QuestionTerms): Bridge | undefined {
  const top = pool.filter((p) => p.rank < 2);
  // "the author who ...": the bridge is a person; "a province whose ...": a place.
  const type = terms.bridgeWords.map(nounType).find((t) => t !== 'thing') ?? 'thing';
  const names: RankedSpan[] = rankSpans(top, {
    ...terms,
    type,
    bridgeNouns: new Set(),
    targets: terms.bridgeNouns,
  });
  const best = names[0];
  return best ? { name: best.text, sentence: best.sentence, passage: best.passage } : undefined;
}

export async function questionTerms(
  kb: KnowledgeBase,
  principal: Principal,
  q: QuestionAnalysis,
  expected: ExpectedAnswer,
  namespaces: string[] | undefined,
): Promise<QuestionTerms> {
  const scope = await kb.scope(principal, 'reader', namespaces);
  const kept = q.terms.filter((t) => !WH_WORDS.has(t));
  const { total, df } = await kb.store.documentFrequency(scope, kept);
  const weights = new Map<string, number>();
  for (const t of kept) {
    const n = df.get(t) ?? 0;
    weights.set(t, Math.log(1 + (total - n + 0.5) / (n + 0.5)));
  }
  const unit = fold(q.text).match(/\bhow many ([a-z]+)/)?.[1];
  const plain = fold(q.text)
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ');
  const bridgeWords = [
    ...plain.matchAll(
      /\b(?:the|a|an)\s+(?:[a-z0-9]+\s+){0,2}?([a-z]+)\s+(?:where|that|which|who|whose|in which|of which)\b/g,
    ),
  ].map((m) => m[1]!);
  const bridgeNouns = new Set(bridgeWords.map((w) => categoryClass(stem(w))));
  return {
    bridgeWords,
    bridgeNouns,
    targets: new Set(q.targets.filter((t) => !bridgeNouns.has(t))),
    weights,
    entityTerms: new Set(q.entities.flatMap((e) => contentTerms(e))),
    foldedQuestion: fold(q.text),
    questionWords: new Set(words(q.text)),
    type: expected.type,
    ...(unit ? { unitHint: unit } : {}),
  };
}

/** The retrieved passages, each with the passage it was reached through (signals.bridgeFrom). */
export async function poolOf(
  kb: KnowledgeBase,
  principal: Principal,
  hits: SearchHit[],
  namespaces: string[] | undefined,
): Promise<PooledPassage[]> {
  const parents = [
    ...new Set(hits.map((h) => h.signals?.bridgeFrom).filter((id): id is string => typeof id === 'string')),
  ];
  const byId = new Map(hits.map((h) => [h.chunkId, h]));
  const missing = parents.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const scope = await kb.scope(principal, 'reader', namespaces);
    for (const c of await kb.store.chunks(scope, missing))
      byId.set(c.id, {
        chunkId: c.id,
        documentId: c.documentId,
        namespace: c.namespace,
        source: '',
        title: null,
        text: c.text,
        score: 0,
      });
  }
  return hits.map((hit, rank) => {
    const parentId = hit.signals?.bridgeFrom;
    const parent = typeof parentId === 'string' ? byId.get(parentId) : undefined;
    return { hit, rank, ...(parent ? { parentText: parent.text, parentHit: parent } : {}) };
  });
}

/** Neither span's words contain the other's. */
function distinct(a: RankedSpan, b: RankedSpan): boolean {
  const aw = a.key.split(' ');
  const bw = b.key.split(' ');
  return !aw.every((w) => bw.includes(w)) && !bw.every((w) => aw.includes(w));
}

function citationOf(h: SearchHit): Citation {
  return {
    chunkId: h.chunkId,
    documentId: h.documentId,
    source: h.source,
    title: h.title,
    namespace: h.namespace,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
