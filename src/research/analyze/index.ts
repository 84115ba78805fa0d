import type { Corpus } from '../types.js';
import { extractClaims } from './claims.js';
import { findDisagreements } from './conflicts.js';
import { compareIds, namedEntities, quantities, type SourceText } from './entities.js';
import { keyPhrases, keywords, tfidfVectors } from './keywords.js';
import { proseOf, readSentences } from './nlp.js';
import { sourceSentiment } from './sentiment.js';
import { tableSeries } from './series.js';
import { topicClusters } from './topics.js';
import type { Analysis } from './types.js';

/**
 * Analyses the collected sources: text (sentences, keywords, phrases, entities, sentiment,
 * topics, quantitative claims) and tables (series with statistics). The language models are
 * English; sources in other languages keep their tables but skip the text analysis, and a note
 * says so. Pure function of the corpus: the same corpus gives the same analysis.
 */
export function analyzeCorpus(corpus: Corpus): Analysis {
  const ok = corpus.sources.filter((s) => s.status === 'ok');
  const notes: string[] = [];
  const texts: SourceText[] = [];
  for (const source of ok) {
    if (source.language && source.language !== 'en') {
      notes.push(
        `Source ${source.id} is in "${source.language}"; text analysis is English-only, so only its tables were analysed.`,
      );
      continue;
    }
    texts.push({ sourceId: source.id, prose: proseOf(source.text), sentences: readSentences(source.text) });
  }
  const tokens = texts.map((t) => ({ sourceId: t.sourceId, sentences: t.sentences }));
  const vectors = tfidfVectors(tokens);
  const entities = namedEntities(texts);
  const claims = extractClaims(tokens, entities);
  const series = ok.flatMap((source) =>
    (source.tables ?? []).flatMap((table, i) => tableSeries(source, table, i)),
  );
  return {
    topic: corpus.topic,
    corpusCreatedAt: corpus.createdAt,
    sources: ok.map((source) => {
      const text = texts.find((t) => t.sourceId === source.id);
      return {
        id: source.id,
        title: source.title,
        url: source.url,
        ...(source.language ? { language: source.language } : {}),
        sentences: text?.sentences.length ?? 0,
        words: text?.sentences.reduce((n, s) => n + s.tokens.filter((t) => t.type === 'word').length, 0) ?? 0,
      };
    }),
    keywords: keywords(tokens),
    keyPhrases: keyPhrases(tokens),
    entities,
    quantities: quantities(texts),
    claims,
    sentiment: texts.map((t) => sourceSentiment(t.sourceId, t.sentences)),
    topics: topicClusters(vectors, texts.map((t) => t.sourceId).sort(compareIds)),
    series,
    disagreements: findDisagreements(claims),
    notes,
  };
}

export type { Analysis } from './types.js';
