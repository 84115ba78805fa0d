import nlp from 'compromise';
import { fold, stem } from '../text/normalize.js';
import { capitalisedPhrases } from '../text/phrases.js';
import type { ExpectedType } from './answer-type.js';

/**
 * Candidate answer spans in one sentence, for one expected type:
 *  - date: full dates ("10 July 1977", "April 10, 1972") and years;
 *  - number: plain numbers ("310", "1,500");
 *  - quantity: money ("$3.1 billion") and numbers with their unit ("40 members", "115 miles");
 *  - person / organisation / place / thing: capitalised phrases and quoted titles, typed by
 *    compromise's lexicon where it knows the name (`typed`), so "Albany" for a place question
 *    outranks "Hudson Valley Railroad" tagged as an organisation.
 */
export interface Span {
  text: string;
  /** Character offset in the sentence. */
  at: number;
  /** 1 when the span is of the expected type by a typed cue, 0.5 when untyped, 0.2 when typed otherwise. */
  fit: number;
  /** For "how many X": the unit that followed the number. */
  unit?: string;
}

const MONTH =
  '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?)';
const FULL_DATE = new RegExp(
  `\\b(?:\\d{1,2}\\s+${MONTH}\\s+\\d{3,4}|${MONTH}\\s+\\d{1,2},?\\s+\\d{3,4}|${MONTH}\\s+\\d{3,4})\\b`,
  'g',
);
const YEAR = /\b(1\d{3}|20\d{2})\b|\b(\d{2,4})\s*(BC|AD|BCE|CE)\b/g;
const NUMBER = /(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+(?:\.\d+)?(?![\d,])/g;
const SCALE = /^\s+(thousand|million|billion|trillion)\b/i;
const MONEY = /(?:[$€£¥]|US\$)\s?\d[\d,]*(?:\.\d+)?(?:\s+(?:thousand|million|billion|trillion))?/g;
const UNIT_WORD = /^\s+(?:\(\s*)?([a-z][a-z-]{1,20})\b/;

type NameKind = 'person' | 'organisation' | 'place';

const tagCache = new Map<string, Map<string, NameKind>>();

/** compromise's people, organisations and places in a sentence, by folded name (cached, 5,000 sentences). */
function nameTags(sentence: string): Map<string, NameKind> {
  const hit = tagCache.get(sentence);
  if (hit) return hit;
  const doc = nlp(sentence);
  const tags = new Map<string, NameKind>();
  const add = (names: string[], kind: NameKind) => {
    for (const n of names) {
      const key = fold(n.replace(/['’]s$/, '').replace(/[^\p{L}\p{N} ]/gu, ' '))
        .replace(/\s+/g, ' ')
        .trim();
      if (key && !tags.has(key)) tags.set(key, kind);
    }
  };
  add(doc.people().out('array') as string[], 'person');
  add(doc.places().out('array') as string[], 'place');
  add(doc.organizations().out('array') as string[], 'organisation');
  if (tagCache.size >= 5000) tagCache.delete(tagCache.keys().next().value as string);
  tagCache.set(sentence, tags);
  return tags;
}

function kindOf(phrase: string, tags: Map<string, NameKind>): NameKind | undefined {
  const key = fold(phrase.replace(/[^\p{L}\p{N} ]/gu, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  const exact = tags.get(key);
  if (exact) return exact;
  for (const [name, kind] of tags) if (name.includes(key) || key.includes(name)) return kind;
  return undefined;
}

/** Typed cues in the name itself, for names the lexicon does not know. */
function cueKind(phrase: string): NameKind | undefined {
  if (
    /\b(University|College|Company|Corporation|Inc|Ltd|Brewing|Brewery|Airlines?|Records|Club|Party|Force|Army|Navy|Institute|Association|Group|Bank|Studios?|Network)\b/.test(
      phrase,
    )
  )
    return 'organisation';
  if (
    /\b(City|County|Province|District|River|Lake|Island|Mountains?|Airport|Arena|Stadium|Center|Centre|Park|Valley|Street)\b/.test(
      phrase,
    )
  )
    return 'place';
  return undefined;
}

export function spansOf(sentence: string, type: ExpectedType, unitHint?: string): Span[] {
  if (type === 'date') return dateSpans(sentence);
  if (type === 'number' || type === 'quantity') return numberSpans(sentence, type, unitHint);
  if (type === 'yesno' || type === 'choice') return [];
  const tags = nameTags(sentence);
  const spans: Span[] = [];
  let from = 0;
  for (const raw of capitalisedPhrases(sentence)) {
    // Dates and counts ("15 March 1917") are not names; a possessive belongs to the sentence.
    if (/^\d/.test(raw) || new RegExp(`^${MONTH}\\s+\\d`).test(raw)) continue;
    const phrase = raw.replace(/['’]s$/, '');
    if (phrase.replace(/[^\p{L}]/gu, '').length < 2) continue;
    const at = Math.max(0, sentence.indexOf(phrase, from));
    from = at;
    const kind = kindOf(phrase, tags) ?? cueKind(phrase);
    let fit: number;
    if (type === 'thing') fit = kind === 'person' ? 0.6 : 0.8;
    else if (kind === undefined) fit = 0.5;
    else fit = kind === type ? 1 : 0.2;
    spans.push({ text: phrase, at, fit });
  }
  // "What keeps the lanterns burning?" may be answered by a common noun phrase ("the quiet
  // harbour"): offered below any name (fit 0.4), determiners and possessives stripped.
  if (type === 'thing') {
    for (const raw of nlp(sentence).nouns().out('array') as string[]) {
      const phrase = raw
        .replace(/^(?:the|a|an|its|their|his|her|our|my|your|this|that|these|those)\s+/i, '')
        .replace(/[\s.,;:!?)]+$/, '');
      if (!/^\p{Ll}/u.test(phrase) || PRONOUN.test(phrase) || phrase.length < 3) continue;
      spans.push({ text: phrase, at: Math.max(0, sentence.indexOf(phrase)), fit: 0.4 });
    }
  }
  return spans;
}

const PRONOUN = /^(?:it|he|she|they|we|you|i|him|her|them|us|one|this|that|which|who|what)$/i;

function dateSpans(sentence: string): Span[] {
  const spans: Span[] = [];
  const taken: Array<[number, number]> = [];
  for (const m of sentence.matchAll(FULL_DATE)) {
    spans.push({ text: m[0], at: m.index ?? 0, fit: 1 });
    taken.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  }
  for (const m of sentence.matchAll(YEAR)) {
    const at = m.index ?? 0;
    // A year inside a full date is offered alone too: "what year" wants 1755, not 1 May 1755.
    const inside = taken.some(([s, e]) => at >= s && at < e);
    spans.push({ text: m[0], at, fit: inside ? 0.95 : 0.9 });
  }
  return spans;
}

function numberSpans(sentence: string, type: 'number' | 'quantity', unitHint?: string): Span[] {
  const spans: Span[] = [];
  const covered: Array<[number, number]> = [];
  for (const m of sentence.matchAll(MONEY)) {
    const at = m.index ?? 0;
    spans.push({ text: m[0], at, fit: type === 'quantity' && !unitHint ? 1 : 0.6 });
    covered.push([at, at + m[0].length]);
  }
  for (const m of sentence.matchAll(NUMBER)) {
    const at = m.index ?? 0;
    if (covered.some(([s, e]) => at >= s && at < e)) continue;
    const after = sentence.slice(at + m[0].length);
    // A bare year is a date, not a count ("in 2010"), unless a unit follows it.
    const yearLike = /^(1[5-9]\d{2}|20\d{2})$/.test(m[0]);
    let text = m[0];
    const scale = after.match(SCALE);
    if (scale) text += scale[0];
    const rest = sentence.slice(at + text.length);
    const unitMatch = rest.match(UNIT_WORD);
    const unit = unitMatch?.[1];
    const unitFits = unit !== undefined && unitHint !== undefined && stem(unit) === stem(unitHint);
    if (yearLike && !unitFits) continue;
    let fit = type === 'number' ? 0.9 : 0.6;
    if (unitFits) fit = 1;
    else if (unitHint && unit) fit = 0.5;
    const withUnit = type === 'quantity' && unit && !/^(in|at|on|of|and|or|to|the|from|by)$/.test(unit);
    spans.push({
      text: withUnit ? `${text}${rest.slice(0, unitMatch![0].length)}`.replace(/\(\s*/, '').trim() : text,
      at,
      fit,
      ...(unit ? { unit } : {}),
    });
  }
  return spans;
}
