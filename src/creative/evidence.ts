import type { Corpus, CorpusSource } from '../research/types.js';

/**
 * What creative work may say: facts, each tied to the sources that state it. Facts come from the
 * knowledge base (entity–predicate–value records with their documents) and from research
 * findings (ranked source sentences and table series). Sources form a corpus, so content passes
 * the research report's citation check unchanged.
 */
export type FactKind = 'fact' | 'finding' | 'figure';

export interface ContentFact {
  /** Record id (a KB fact id, or `finding:<source>#<sentence>`), for de-duplication. */
  id: string;
  kind: FactKind;
  /** What the fact is about, as a name readers know. */
  subject: string;
  /** Knowledge-base predicate, `finding` or `series`. */
  predicate: string;
  /** The object as text: an entity name, a literal, or the finding's sentence. */
  value: string;
  /** Numeric value when the fact is a number (for charts, key figures and cards). */
  number?: number;
  /** Unit of `number` when known (`%`, `USD`, `employees`). */
  unit?: string;
  /** True when the object is an entity (its name must appear in the cited source). */
  objectIsEntity: boolean;
  /** Source ids in `Evidence.corpus`. */
  sources: string[];
  /** Relevance weight: confidence × trust (boosted for topic matches) for KB facts; rank-derived for findings. */
  weight: number;
  /** KB facts: extraction confidence × source trust, 0..1. */
  confidence?: number;
  /** For findings: the source sentence, quoted verbatim. */
  sentence?: string;
}

/**
 * What a fact says, as text: the key for variation and tie-breaks, so the same knowledge gives
 * the same words in any database (record ids are random).
 */
export function factKey(fact: ContentFact): string {
  return `${fact.subject}|${fact.predicate}|${fact.value}`;
}

export interface Evidence {
  topic: string;
  /** Every cited source, readable (`status: ok`), in citation-number order. */
  corpus: Corpus;
  facts: ContentFact[];
  /** Knowledge-base namespaces the facts were read from (the output's label). */
  namespaces: string[];
  /** How the facts were gathered, for the artifact's method note. */
  method: string[];
}

/** A source record for the checker from a document's text (a KB document or a research page). */
export function sourceRecord(input: {
  id: string;
  url: string;
  title: string | null;
  text: string;
  at?: string;
}): CorpusSource {
  return {
    id: input.id,
    url: input.url,
    title: input.title ?? input.url,
    text: input.text,
    fetchedAt: input.at ?? '1970-01-01T00:00:00.000Z',
    contentHash: '',
    status: 'ok',
    depth: 0,
    via: 'seed',
  };
}

export function emptyCorpus(topic: string, createdAt: string): Corpus {
  return {
    topic,
    createdAt,
    seeds: [],
    sources: [],
    discovery: [],
    notFollowed: { pageLimit: 0, depthLimit: 0, outOfScope: 0 },
    stats: { collected: 0, failed: 0, skipped: 0, durationMs: 0 },
  };
}

/**
 * Joins evidence sets: sources with the same URL become one (the first id is kept and citations
 * of the later set are renamed), facts are concatenated and de-duplicated by id.
 */
export function mergeEvidence(topic: string, parts: Evidence[]): Evidence {
  const corpus = emptyCorpus(topic, parts[0]?.corpus.createdAt ?? new Date(0).toISOString());
  const byUrl = new Map<string, string>();
  const facts = new Map<string, ContentFact>();
  for (const part of parts) {
    const rename = new Map<string, string>();
    for (const source of part.corpus.sources) {
      const existing = byUrl.get(source.url);
      if (existing) rename.set(source.id, existing);
      else {
        byUrl.set(source.url, source.id);
        corpus.sources.push(source);
      }
    }
    for (const fact of part.facts) {
      if (facts.has(fact.id)) continue;
      facts.set(fact.id, { ...fact, sources: [...new Set(fact.sources.map((s) => rename.get(s) ?? s))] });
    }
  }
  corpus.stats.collected = corpus.sources.length;
  return {
    topic,
    corpus,
    facts: [...facts.values()],
    namespaces: [...new Set(parts.flatMap((p) => p.namespaces))].sort(),
    method: parts.flatMap((p) => p.method),
  };
}
