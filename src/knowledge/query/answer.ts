import type { Principal } from '../../core/principal.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { contentTerms, fold } from '../text/normalize.js';
import { sentences } from '../text/sentences.js';
import type { Answer, Citation, SearchHit } from '../types.js';
import { analyzeQuestion, answerCandidates } from './question.js';
import { search } from './retrieval.js';

export interface AnswerOptions {
  namespaces?: string[];
  /** Passages read for the answer (default 5). */
  passages?: number;
  /** Below this confidence the answer is "not found" (default 0.35). */
  minConfidence?: number;
}

/**
 * Extractive question answering: retrieve passages with the hybrid ranker, score each sentence
 * by the idf-weighted share of the question it covers (its own words plus its passage's names,
 * since "It was founded in 1755" is about the passage's subject), require a span of the expected
 * answer type, and answer with the best sentence (plus a second one from another passage when
 * it nearly ties, which is how a two-hop answer reads). Never guesses: a weak best sentence
 * gives found = false.
 */
export async function answer(
  kb: KnowledgeBase,
  principal: Principal,
  question: string,
  options: AnswerOptions = {},
): Promise<Answer> {
  const hits = await search(kb, principal, question, {
    mode: 'hybrid',
    limit: options.passages ?? 5,
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
  });
  const q = analyzeQuestion(question);
  const notFound: Answer = {
    question,
    found: false,
    answer: null,
    sentences: [],
    confidence: 0,
    citations: [],
    label: [],
  };
  if (hits.length === 0 || q.terms.length === 0) return notFound;
  const scope = await kb.scope(principal, 'reader', options.namespaces);
  const { total, df } = await kb.store.documentFrequency(scope, q.terms);
  const idf = (t: string) => Math.log(1 + (total - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const totalIdf = q.terms.reduce((a, t) => a + idf(t), 0) || 1;
  const entityTerms = new Set(q.entities.flatMap((e) => contentTerms(e)));
  const foldedQuestion = fold(question);

  const scored: Array<{ text: string; hit: SearchHit; score: number; rank: number }> = [];
  hits.forEach((hit, rank) => {
    const names = new Set(contentTerms(hit.title ?? ''));
    const passageTerms = new Set(contentTerms(hit.text));
    for (const sentence of sentences(hit.text)) {
      const own = new Set(contentTerms(sentence));
      let covered = 0;
      let coveredEntity = 0;
      let entityTotal = 0;
      for (const t of q.terms) {
        const inSentence = own.has(t);
        // Terms naming the passage's subject count when they appear anywhere in the passage.
        const viaPassage = entityTerms.has(t) && (passageTerms.has(t) || names.has(t));
        if (inSentence || viaPassage) covered += idf(t) * (inSentence ? 1 : 0.7);
        if (entityTerms.has(t)) {
          entityTotal += idf(t);
          if (inSentence || viaPassage) coveredEntity += idf(t);
        }
      }
      const coverage = covered / totalIdf;
      const entityShare = entityTotal === 0 ? 1 : coveredEntity / entityTotal;
      const typed = answerCandidates(sentence, q.answerType, foldedQuestion) > 0 ? 1 : 0.6;
      const score = coverage * typed * (0.6 + 0.4 * entityShare) * (1 / (1 + 0.15 * rank));
      scored.push({ text: sentence, hit, score, rank });
    }
  });
  scored.sort((a, b) => b.score - a.score || a.rank - b.rank);
  const best = scored[0];
  const minConfidence = options.minConfidence ?? 0.35;
  if (!best || best.score < minConfidence) return { ...notFound, confidence: round(best?.score ?? 0) };
  const chosen = [best];
  const second = scored.find((s) => s.hit.chunkId !== best.hit.chunkId && s.score >= 0.8 * best.score);
  if (second) chosen.push(second);
  const citations: Citation[] = [];
  for (const c of chosen) {
    if (citations.some((x) => x.chunkId === c.hit.chunkId)) continue;
    citations.push({
      chunkId: c.hit.chunkId,
      documentId: c.hit.documentId,
      source: c.hit.source,
      title: c.hit.title,
      namespace: c.hit.namespace,
    });
  }
  return {
    question,
    found: true,
    answer: chosen.map((c) => c.text).join(' '),
    sentences: chosen.map((c) => ({
      text: c.text,
      score: round(c.score),
      citation: citations.find((x) => x.chunkId === c.hit.chunkId)!,
    })),
    confidence: round(Math.min(1, best.score)),
    citations,
    label: [...new Set(citations.map((c) => c.namespace))].sort(),
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
