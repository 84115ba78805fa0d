import nlp from 'compromise';
import type { SentenceInfo } from './nlp.js';
import { numbersIn } from './numbers.js';
import type { NamedEntity, NamedEntityType, Quantity, QuantityType, SentenceRef } from './types.js';

/**
 * People, organisations and places (compromise), with a suffix rule for company names it misses
 * ("Northwind Batteries"); money, percentages, dates and quantities (wink-nlp entities). Each
 * named entity keeps the sentences that mention it, for citations and per-entity sentiment.
 */
export interface SourceText {
  sourceId: string;
  prose: string;
  sentences: SentenceInfo[];
}

/** Last words that make a capitalised run a company or institution name. */
const ORG_SUFFIX =
  'Batteries|Battery|Research|Energy|Systems|Solar|Power|Group|Holdings|Technologies|Technology|Labs|Partners|Capital|Motors|Bank|Institute|University|Agency|Association|Corporation|Corp|Inc|Ltd|LLC|GmbH|AG|SA|plc';
const ORG_PATTERN = new RegExp(`\\b(?:[A-Z][\\w&'-]*\\s){1,3}(?:${ORG_SUFFIX})\\b\\.?`, 'g');
const CONNECTORS = new Set(['of', 'de', 'la', 'von', 'van', 'der', 'du', 'and', '&']);
const QUANTITY_TYPES: Record<string, QuantityType> = {
  MONEY: 'money',
  PERCENT: 'percent',
  DATE: 'date',
  CARDINAL: 'cardinal',
  ORDINAL: 'ordinal',
  DURATION: 'duration',
  TIME: 'time',
};

/** "Maria Keller," → "Maria Keller"; "Voltaris Energy systems" → "Voltaris Energy"; possessives dropped. */
export function cleanName(raw: string): string | undefined {
  const words = raw
    .replace(/['’]s\b/g, '')
    .replace(/[^\p{L}\p{N}&'’ .-]/gu, ' ')
    .replace(/\.+$/, '')
    .split(/\s+/)
    .filter(Boolean);
  while (words.length > 0 && !/^\p{Lu}/u.test(words[words.length - 1]!)) words.pop();
  while (words.length > 0 && !/^\p{Lu}/u.test(words[0]!)) words.shift();
  if (words.some((w) => !/^\p{Lu}/u.test(w) && !CONNECTORS.has(w.toLowerCase()))) return undefined;
  const name = words.join(' ').replace(/[.,]+$/, '');
  return name.length >= 2 ? name : undefined;
}

function detectNames(prose: string): Array<{ name: string; type: NamedEntityType }> {
  const doc = nlp(prose);
  const found: Array<{ name: string; type: NamedEntityType }> = [];
  const add = (values: string[], type: NamedEntityType, split = false): void => {
    for (const value of values) {
      for (const part of split ? value.split(',') : [value]) {
        const name = cleanName(part);
        if (name) found.push({ name, type });
      }
    }
  };
  add(doc.people().out('array') as string[], 'person');
  add(doc.organizations().out('array') as string[], 'organization');
  add(doc.places().out('array') as string[], 'place', true);
  add(prose.match(ORG_PATTERN) ?? [], 'organization');
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Named entities across sources, most mentioned first. */
export function namedEntities(sources: SourceText[], limit = 40): NamedEntity[] {
  // Majority type per name across all detections, so one mis-tag does not split an entity.
  const votes = new Map<string, Map<NamedEntityType, number>>();
  for (const source of sources) {
    for (const { name, type } of detectNames(source.prose)) {
      const byType = votes.get(name) ?? new Map<NamedEntityType, number>();
      byType.set(type, (byType.get(type) ?? 0) + 1);
      votes.set(name, byType);
    }
  }
  const names = [...votes.entries()].map(([name, byType]) => {
    const type = [...byType.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return { name, type };
  });
  // A name contained in a longer one of the same type ("Keller" in "Maria Keller") is an alias.
  const canonical = new Map<string, string>();
  for (const { name, type } of names) {
    const longer = names
      .filter(
        (o) => o.type === type && o.name !== name && new RegExp(`\\b${escapeRegExp(name)}\\b`).test(o.name),
      )
      .sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : 1))[0];
    canonical.set(name, longer?.name ?? name);
  }
  const entities = new Map<string, NamedEntity>();
  for (const { name, type } of names) {
    const target = canonical.get(name)!;
    let entity = entities.get(target);
    if (!entity) {
      entity = { name: target, type, aliases: [], mentions: 0, sources: [], sentiment: 0, sentences: [] };
      entities.set(target, entity);
    }
    if (name !== target && !entity.aliases.includes(name)) entity.aliases.push(name);
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'u');
    for (const source of sources) {
      for (const sentence of source.sentences) {
        if (!pattern.test(sentence.text)) continue;
        if (entity.sentences.some((r) => r.sourceId === source.sourceId && r.index === sentence.index))
          continue;
        entity.sentences.push({ sourceId: source.sourceId, index: sentence.index });
      }
    }
  }
  const sentiments = new Map<string, number>();
  for (const source of sources)
    for (const s of source.sentences) sentiments.set(`${source.sourceId}#${s.index}`, s.sentiment);
  const out: NamedEntity[] = [];
  for (const entity of entities.values()) {
    if (entity.sentences.length === 0) continue;
    entity.sentences.sort(compareRefs);
    entity.aliases.sort();
    entity.mentions = entity.sentences.length;
    entity.sources = [...new Set(entity.sentences.map((r) => r.sourceId))].sort(compareIds);
    const scores = entity.sentences.map((r) => sentiments.get(`${r.sourceId}#${r.index}`) ?? 0);
    entity.sentiment = Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 1e4) / 1e4;
    out.push(entity);
  }
  return out.sort((a, b) => b.mentions - a.mentions || (a.name < b.name ? -1 : 1)).slice(0, limit);
}

/** Money, percentages, dates and other quantities found by wink-nlp, in source order. */
export function quantities(sources: SourceText[]): Quantity[] {
  const out: Quantity[] = [];
  for (const source of sources) {
    for (const sentence of source.sentences) {
      for (const entity of sentence.entities) {
        const type = QUANTITY_TYPES[entity.type];
        if (!type) continue;
        const value =
          type === 'money' || type === 'percent' || type === 'cardinal'
            ? numbersIn(entity.text)[0]?.value
            : undefined;
        out.push({
          sourceId: source.sourceId,
          index: sentence.index,
          text: entity.text,
          type,
          ...(value === undefined ? {} : { value }),
        });
      }
    }
  }
  return out;
}

export function compareIds(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0);
}

export function compareRefs(a: SentenceRef, b: SentenceRef): number {
  return compareIds(a.sourceId, b.sourceId) || a.index - b.index;
}
