import nlp from 'compromise';
import model from 'wink-eng-lite-web-model';
import winkNLP, { type WinkMethods } from 'wink-nlp';
import type { EntityType } from '../types.js';

/**
 * Named entities with `compromise` (people, organisations, places) and values with `wink-nlp`
 * (dates, money, quantities). Both are rule and lexicon based, so the same text always yields
 * the same entities; compromise costs about 10-20 ms per 500-character paragraph, which is
 * why ingestion can skip extraction for bulk loads (`extract: false`).
 */
export interface ExtractedEntity {
  name: string;
  type: EntityType;
  count: number;
}

export type ValueKind = 'date' | 'money' | 'quantity' | 'percent' | 'duration';

export interface ExtractedValue {
  text: string;
  kind: ValueKind;
}

let wink: WinkMethods | undefined;
function winkDoc(text: string) {
  wink ??= winkNLP(model);
  return { doc: wink.readDoc(text), its: wink.its };
}

const TRAILING = /^[\s"'“”‘’([{]+|[\s"'“”‘’)\]}.,;:!?]+$/g;

function clean(name: string): string {
  return name.replace(TRAILING, '').replace(/\s+/g, ' ').trim();
}

export function extractEntities(text: string): ExtractedEntity[] {
  const doc = nlp(text);
  const found = new Map<string, ExtractedEntity>();
  const add = (names: string[], type: EntityType) => {
    for (const raw of names) {
      const name = clean(raw).replace(/['’]s$/, '');
      if (name.length < 2 || !/\p{Lu}/u.test(name)) continue;
      const key = `${type}|${name.toLowerCase()}`;
      const existing = found.get(key);
      if (existing) existing.count++;
      else found.set(key, { name, type, count: 1 });
    }
  };
  add(doc.people().out('array') as string[], 'person');
  add(doc.organizations().out('array') as string[], 'organization');
  add(doc.places().out('array') as string[], 'place');
  return [...found.values()];
}

const WINK_KINDS: Record<string, ValueKind> = {
  DATE: 'date',
  MONEY: 'money',
  CARDINAL: 'quantity',
  PERCENT: 'percent',
  DURATION: 'duration',
};

export function extractValues(text: string): ExtractedValue[] {
  const { doc, its } = winkDoc(text);
  const out: ExtractedValue[] = [];
  for (const e of doc.entities().out(its.detail) as unknown as Array<{ value: string; type: string }>) {
    const kind = WINK_KINDS[e.type];
    if (kind) out.push({ text: e.value, kind });
  }
  return out;
}
