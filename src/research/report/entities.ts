import type { Analysis } from '../analyze/types.js';
import type { Corpus } from '../types.js';
import { Computations } from './format.js';
import type { ReportClaim } from './types.js';

/** Claims of the entities table, the entity sentiment chart caption and sentiment by source. */
const MAX_ENTITIES = 12;
const MAX_ENTITY_CITATIONS = 6;

export const ENTITY_METHODS = {
  mentions: 'sentences naming the entity',
  sources: 'count of sources',
  sentiment: 'mean wink-nlp sentence score, −1 to 1',
} as const;

export function entityClaims(analysis: Analysis, nextId: () => string): ReportClaim[] {
  const methodNote = `Mentions: ${ENTITY_METHODS.mentions}. Sources: ${ENTITY_METHODS.sources}. Sentiment: ${ENTITY_METHODS.sentiment}.`;
  const rows: ReportClaim[] = analysis.entities.slice(0, MAX_ENTITIES).map((entity) => {
    const c = new Computations();
    const cells = [
      entity.name,
      entity.type,
      c.put(entity.mentions, 0, ENTITY_METHODS.mentions),
      c.put(entity.sources.length, 0, ENTITY_METHODS.sources),
      c.put(entity.sentiment, 2, ENTITY_METHODS.sentiment, { signed: true }),
    ];
    return {
      id: nextId(),
      section: 'entities',
      group: 'entities-table',
      text: cells.join(' | '),
      cells,
      citations: entity.sources.slice(0, MAX_ENTITY_CITATIONS),
      basis: 'sources',
      computed: c.values,
      methodNote,
    };
  });
  if (rows.length > 0) {
    rows.push({
      id: nextId(),
      section: 'entities',
      group: 'entities-chart',
      chart: 'chart-entity-sentiment',
      text: 'Mean sentence sentiment of the most mentioned entities, from negative to positive.',
      citations: [...new Set(analysis.entities.slice(0, MAX_ENTITIES).flatMap((e) => e.sources))].sort(
        (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
      ),
      basis: 'sources',
      computed: [],
    });
  }
  return rows;
}

export function sentimentClaims(analysis: Analysis, corpus: Corpus, nextId: () => string): ReportClaim[] {
  const titles = new Map(corpus.sources.map((s) => [s.id, s.title]));
  return analysis.sentiment
    .filter((s) => s.sentences > 0)
    .map((s) => {
      const c = new Computations();
      const cells = [
        titles.get(s.sourceId) ?? s.sourceId,
        c.put(s.score, 2, ENTITY_METHODS.sentiment, { signed: true }),
        s.label,
      ];
      return {
        id: nextId(),
        section: 'sentiment' as const,
        group: 'sentiment-table',
        text: cells.join(' | '),
        cells,
        citations: [s.sourceId],
        basis: 'sources' as const,
        computed: c.values,
        methodNote: `Score: ${ENTITY_METHODS.sentiment}; neutral within ±0.05.`,
      };
    });
}
