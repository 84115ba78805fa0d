import { MagnaError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';
import type { Scope } from '../access.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { contentTerms } from '../text/normalize.js';
import type { SearchHit } from '../types.js';
import type { RankedList } from './fusion.js';
import {
  DEFAULT_PASSAGE_RANK,
  isCommon,
  type PassageIndex,
  type RankablePassage,
  rankPassages,
} from './passage-ranker.js';
import { analyzeQuestion } from './question.js';

export type SearchMode = 'keyword' | 'hybrid';

export interface SearchOptions {
  mode?: SearchMode;
  limit?: number;
  namespaces?: string[];
}

/**
 * Drops query terms found in more than this share of chunks when rarer terms remain: they add
 * almost nothing to BM25 (idf near 0) but their posting lists make the query cost grow with the
 * corpus. This is the candidate cap that keeps keyword latency flat.
 */
const COMMON_TERM_SHARE = 0.1;
export const MAX_QUERY_CHARS = 4000;

/** A passage index over the store, limited to one scope. */
export function scopedIndex(kb: KnowledgeBase, scope: Scope): PassageIndex {
  const cache = new Map<string, RankablePassage>();
  return {
    keyword: (query, limit) => kb.store.keywordSearch(scope, query, limit),
    async load(ids) {
      const missing = ids.filter((id) => !cache.has(id));
      if (missing.length > 0) {
        for (const c of await kb.store.chunks(scope, missing))
          cache.set(c.id, { id: c.id, text: c.text, names: c.names, category: c.category });
      }
      const out = new Map<string, RankablePassage>();
      for (const id of ids) {
        const p = cache.get(id);
        if (p) out.set(id, p);
      }
      return out;
    },
    documentFrequency: (terms) => kb.store.documentFrequency(scope, terms),
  };
}

/** The query's terms worth looking up: the rarer ones when some are common. */
async function keywordTerms(kb: KnowledgeBase, scope: Scope, terms: string[]): Promise<string[]> {
  const unique = [...new Set(terms)];
  if (unique.length > 1) {
    const { total, df } = await kb.store.documentFrequency(scope, unique);
    const rare = unique.filter(
      (t) => (df.get(t) ?? 0) > 0 && !isCommon(df.get(t) ?? 0, total, COMMON_TERM_SHARE),
    );
    if (rare.length > 0) return rare;
  }
  return unique;
}

function checkQuery(query: string): string {
  if (typeof query !== 'string' || query.trim().length === 0)
    throw new MagnaError('INVALID_ARGUMENT', 'The query is empty.');
  if (query.length > MAX_QUERY_CHARS)
    throw new MagnaError('INVALID_ARGUMENT', `The query is longer than ${MAX_QUERY_CHARS} characters.`);
  return query.trim();
}

/**
 * Search. `keyword` is BM25 alone; `hybrid` (default) fuses BM25, entity match, graph
 * proximity and question-aware passage scoring by reciprocal rank fusion, plus embedding
 * similarity when a provider is configured.
 */
export async function search(
  kb: KnowledgeBase,
  principal: Principal,
  query: string,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const q = checkQuery(query);
  const limit = Math.min(Math.max(options.limit ?? 10, 1), 100);
  const scope = await kb.scope(principal, 'reader', options.namespaces);
  if (!scope.all && scope.prefixes.length === 0) return [];
  const terms = contentTerms(q);
  if (terms.length === 0) return [];
  let ranked: Array<{ id: string; score: number; signals?: Record<string, number | string> }>;
  if ((options.mode ?? 'hybrid') === 'keyword') {
    ranked = await kb.store.keywordSearch(scope, { terms: await keywordTerms(kb, scope, terms) }, limit);
  } else {
    const question = analyzeQuestion(q);
    const extraLists = [
      ...(await graphLists(kb, scope, question.entities)),
      ...(await embeddingLists(kb, scope, q)),
    ];
    const passages = await rankPassages(question, scopedIndex(kb, scope), {
      ...DEFAULT_PASSAGE_RANK,
      limit,
      extraLists,
    });
    ranked = passages.map((p) => ({
      id: p.id,
      score: p.score,
      signals: {
        ...(p.signals.keyword === undefined ? {} : { keyword: round(p.signals.keyword) }),
        answer: round(p.signals.answer),
        entity: round(p.signals.entity),
        ...(p.signals.bridgeFrom ? { bridgeFrom: p.signals.bridgeFrom } : {}),
      },
    }));
  }
  return toHits(kb, scope, ranked);
}

/**
 * Two lists from the knowledge graph (chunk–entity mentions): chunks about entities the query
 * names (entity match), and chunks that mention them (graph proximity, one hop). Both are index
 * lookups capped at 20 rows, so their cost does not grow with the corpus.
 */
async function graphLists(kb: KnowledgeBase, scope: Scope, names: string[]): Promise<RankedList[]> {
  const matched: string[] = [];
  for (const name of names.slice(0, 5)) {
    for (const e of await kb.store.entities(scope, { name, limit: 3 }))
      if (!matched.includes(e.id)) matched.push(e.id);
  }
  if (matched.length === 0) return [];
  const linked = await kb.store.entityChunks(scope, matched, 40);
  return [
    { ids: unique(linked.filter((m) => m.role === 'subject').map((m) => m.chunkId)), weight: 1, k: 5 },
    {
      ids: unique(linked.filter((m) => m.role !== 'subject').map((m) => m.chunkId)).slice(0, 20),
      weight: 0.5,
      k: 5,
    },
  ].filter((l) => l.ids.length > 0);
}

/** The chunks nearest the query's embedding, as the store finds them. */
async function embeddingLists(kb: KnowledgeBase, scope: Scope, query: string): Promise<RankedList[]> {
  if (!kb.embeddings) return [];
  try {
    const [vector] = await kb.embeddings.embed([query]);
    if (!vector) return [];
    const nearest = await kb.store.nearest(scope, kb.embeddings.model, vector, 20);
    if (nearest.length === 0) return [];
    return [{ ids: nearest.map((n) => n.chunkId), weight: 1, k: 5 }];
  } catch (error) {
    kb.logger?.warn({ err: error }, 'embedding the query failed; ranking without embeddings');
    return [];
  }
}

export async function toHits(
  kb: KnowledgeBase,
  scope: Scope,
  ranked: Array<{ id: string; score: number; signals?: Record<string, number | string> }>,
): Promise<SearchHit[]> {
  const chunks = new Map(
    (
      await kb.store.chunks(
        scope,
        ranked.map((r) => r.id),
      )
    ).map((c) => [c.id, c]),
  );
  const documentIds = [...new Set([...chunks.values()].map((c) => c.documentId))];
  const docs = new Map((await kb.store.documentHeads(scope, documentIds)).map((d) => [d.id, d]));
  const hits: SearchHit[] = [];
  for (const r of ranked) {
    const c = chunks.get(r.id);
    if (!c) continue;
    const doc = docs.get(c.documentId);
    hits.push({
      chunkId: c.id,
      documentId: c.documentId,
      namespace: c.namespace,
      source: doc?.source ?? '',
      title: doc?.title ?? null,
      text: c.text,
      score: round(r.score, 4),
      ...(r.signals ? { signals: r.signals } : {}),
    });
  }
  return hits;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
