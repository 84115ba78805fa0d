import { type ContentFact, type Evidence, factKey } from '../evidence.js';
import { type ContentRequest, FACT_BUDGET } from './request.js';

/**
 * Content planning: which facts to state and in what order. Facts are scored by weight ×
 * (1 + topic-term overlap), exact repeats (same subject, predicate and value) are merged with
 * their sources joined, no subject takes more than half the budget (so a brief covers the field,
 * not one company) except in a product description, and twice the budget is kept as candidates
 * because the citation check may drop some. Ties break on what the fact says, so order is total and
 * independent of record ids.
 */
const STOP = new Set(['the', 'and', 'for', 'with', 'from', 'into', 'about', 'that', 'this', 'what', 'how']);

export function terms(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .normalize('NFKD')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3 && !STOP.has(w))
      .map((w) => w.replace(/(?:ies|es|s)$/, (m) => (m === 'ies' ? 'y' : ''))),
  );
}

export function normalizeName(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface ScoredFact {
  fact: ContentFact;
  score: number;
}

export function scoreFacts(facts: ContentFact[], topic: string): ScoredFact[] {
  const wanted = terms(topic);
  const merged = new Map<string, ScoredFact>();
  for (const fact of facts) {
    const own = terms(`${fact.subject} ${fact.predicate} ${fact.value}`);
    let overlap = 0;
    for (const t of wanted) if (own.has(t)) overlap++;
    const score = fact.weight * (1 + overlap / Math.max(1, wanted.size));
    const key = `${normalizeName(fact.subject)}|${fact.predicate}|${normalizeName(fact.value)}`;
    const existing = merged.get(key);
    if (!existing) merged.set(key, { fact, score });
    else {
      const best = existing.score >= score ? existing : { fact, score };
      merged.set(key, {
        fact: { ...best.fact, sources: [...new Set([...existing.fact.sources, ...fact.sources])] },
        score: best.score,
      });
    }
  }
  return [...merged.values()].sort(
    (a, b) => b.score - a.score || factKey(a.fact).localeCompare(factKey(b.fact)),
  );
}

/** Candidate facts, best first: twice the budget, since the citation check may drop some. */
export function planContent(evidence: Evidence, request: ContentRequest): ContentFact[] {
  const budget = FACT_BUDGET[request.format][request.length];
  let facts = evidence.facts;
  if (request.subject) {
    const wanted = normalizeName(request.subject);
    facts = facts.filter((f) => normalizeName(f.subject) === wanted);
  }
  const ranked = scoreFacts(facts, request.topic);
  const perSubject = request.format === 'product-description' ? Infinity : Math.max(2, Math.ceil(budget / 2));
  const taken = new Map<string, number>();
  const chosen: ScoredFact[] = [];
  for (const scored of ranked) {
    if (chosen.length >= budget * 2) break;
    const subject = normalizeName(scored.fact.subject);
    const count = taken.get(subject) ?? 0;
    if (count >= perSubject) continue;
    taken.set(subject, count + 1);
    chosen.push(scored);
  }
  return chosen.map((s) => s.fact);
}

/** Groups facts by subject, subjects in order of their first fact, keeping order within each. */
export function groupBySubject<T extends { fact: ContentFact }>(items: T[]): T[] {
  const order = new Map<string, number>();
  items.forEach((item, i) => {
    const subject = normalizeName(item.fact.subject);
    if (!order.has(subject)) order.set(subject, i);
  });
  return items
    .map((item, i) => ({ item, i }))
    .sort(
      (a, b) =>
        order.get(normalizeName(a.item.fact.subject))! - order.get(normalizeName(b.item.fact.subject))! ||
        a.i - b.i,
    )
    .map(({ item }) => item);
}
