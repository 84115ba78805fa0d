import { MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { KbDocument, KbFact } from '../knowledge/types.js';
import { formatNumber } from '../research/analyze/numbers.js';
import { type ContentFact, type Evidence, emptyCorpus, sourceRecord } from './evidence.js';

/**
 * Facts from the knowledge base, read as the acting principal (so content never sees more than
 * its requester may). Each fact cites the document it was extracted from; a fact asserted by hand
 * cites the document whose source URL it names, and otherwise cites nothing, so the check drops
 * what it would say. At most MAX_FACTS current facts are read per namespace: the store's cap on
 * one query (5,000).
 */
const MAX_FACTS = 5_000;
/** Documents that match the topic in search get this added to their facts' relevance. */
const SEARCH_BOOST = 1;
const SEARCH_HITS = 40;

export interface KnowledgeEvidenceOptions {
  topic: string;
  namespaces: string[];
  /** Only facts about this subject (an entity name or id), e.g. for a product description. */
  subject?: string;
}

function valueText(fact: KbFact, objectName: string | undefined): string {
  if (objectName !== undefined) return objectName;
  const value = fact.value;
  if (typeof value === 'number') return formatNumber(value, Number.isInteger(value) ? 0 : 2);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value ?? '');
}

const UNITS: Record<string, string> = { employees: 'employees', population: 'people' };

export async function evidenceFromKnowledge(
  kb: KnowledgeBase,
  principal: Principal,
  options: KnowledgeEvidenceOptions,
): Promise<Evidence> {
  await kb.init();
  const scope = await kb.scope(principal, 'reader', options.namespaces);
  const facts: KbFact[] = [];
  for (const namespace of options.namespaces) {
    facts.push(
      ...(await kb.facts(principal, {
        namespace,
        status: ['active'],
        limit: MAX_FACTS,
        ...(options.subject ? { subject: options.subject } : {}),
      })),
    );
  }
  const names = new Map<string, string>();
  const nameOf = async (id: string): Promise<string | undefined> => {
    if (!names.has(id)) {
      const entity = await kb.store.entity(scope, id);
      if (entity) names.set(id, entity.name);
    }
    return names.get(id);
  };
  const documentIds = [...new Set(facts.map((f) => f.documentId).filter((d): d is string => !!d))];
  const documents = new Map<string, KbDocument>();
  for (let i = 0; i < documentIds.length; i += 500) {
    for (const doc of await kb.store.documents(scope, { ids: documentIds.slice(i, i + 500), limit: 500 }))
      documents.set(doc.id, doc);
  }
  // Hand-asserted facts name a source URL; cite that document when the namespace holds it.
  for (const fact of facts) {
    if (fact.documentId || !fact.source) continue;
    const doc = await kb.store.documentBySource(scope, fact.namespace, fact.source);
    if (doc) documents.set(doc.id, doc);
  }
  const bySource = new Map([...documents.values()].map((d) => [`${d.namespace} ${d.source}`, d.id]));
  const relevant = new Set<string>();
  if (options.topic.trim()) {
    const hits = await kb.search(principal, options.topic, {
      namespaces: options.namespaces,
      limit: SEARCH_HITS,
    });
    for (const hit of hits) relevant.add(hit.documentId);
  }
  const corpus = emptyCorpus(options.topic, new Date(0).toISOString());
  const sortedDocs = [...documents.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.id.localeCompare(b.id),
  );
  for (const doc of sortedDocs) {
    corpus.sources.push(
      sourceRecord({
        id: doc.id,
        url: doc.source,
        title: doc.title,
        text: doc.text,
        at: new Date(doc.updatedAt).toISOString(),
      }),
    );
  }
  corpus.stats.collected = corpus.sources.length;
  const out: ContentFact[] = [];
  for (const fact of facts) {
    const subject = await nameOf(fact.subjectId);
    if (!subject) continue;
    const objectName = fact.objectId ? await nameOf(fact.objectId) : undefined;
    if (fact.objectId && objectName === undefined) continue;
    const documentId =
      fact.documentId ?? (fact.source ? bySource.get(`${fact.namespace} ${fact.source}`) : undefined);
    const cited = documentId && documents.has(documentId) ? [documentId] : [];
    const weight =
      fact.confidence * fact.trust * (documentId && relevant.has(documentId) ? 1 + SEARCH_BOOST : 1);
    out.push({
      id: fact.id,
      kind: 'fact',
      subject,
      predicate: fact.predicate,
      value: valueText(fact, objectName),
      ...(typeof fact.value === 'number' ? { number: fact.value } : {}),
      ...(UNITS[fact.predicate] ? { unit: UNITS[fact.predicate] } : {}),
      objectIsEntity: fact.objectId !== null,
      sources: cited,
      weight,
      confidence: fact.confidence * fact.trust,
    });
  }
  return {
    topic: options.topic,
    corpus,
    facts: out,
    namespaces: [...options.namespaces].sort(),
    method: [
      `knowledge base: current facts of namespaces ${options.namespaces.join(', ')} (at most ${MAX_FACTS} each), read as ${principal.id}`,
      'relevance: extraction confidence × source trust, doubled for documents that match the topic in hybrid search',
    ],
  };
}

/** The coded error for a knowledge base that holds nothing to write about. */
export function emptyKnowledge(namespaces: string[], topic: string): MagnaError {
  return new MagnaError(
    'CREATIVE_NO_FACTS',
    `The knowledge base holds no facts for "${topic}" in ${namespaces.join(', ')}; ingest sources first.`,
    { details: { namespaces, topic } },
  );
}
