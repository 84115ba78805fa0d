import { createHash } from 'node:crypto';
import { type ContentFact, factKey } from '../evidence.js';
import type { Audience, Tone } from './request.js';

/**
 * Templates with variation. Each predicate has verb phrases about its subject ("has 4,500
 * employees"); one is chosen by a hash of what the fact says and the piece being written, so the same
 * inputs always give the same words while different facts and formats read differently.
 * {V} is the value as the knowledge base holds it; nothing here adds a number.
 */
export function pick<T>(options: readonly T[], key: string): T {
  const digest = createHash('sha1').update(key).digest();
  return options[digest.readUInt32BE(0) % options.length]!;
}

const PHRASES: Record<string, { plain: string[]; precise: string[] }> = {
  employees: {
    plain: ['has {V} employees', 'employs {V} people', 'has a staff of {V}'],
    precise: ['reports a headcount of {V} employees', 'employs {V} staff'],
  },
  price: {
    plain: ['costs {V}', 'sells for {V}', 'is priced at {V}'],
    precise: ['carries a list price of {V}', 'is priced at {V}'],
  },
  founded_in: {
    plain: ['was founded in {V}', 'started in {V}', 'dates back to {V}'],
    precise: ['was established in {V}', 'was founded in {V}'],
  },
  founded_by: {
    plain: ['was founded by {V}', 'was started by {V}'],
    precise: ['was established by {V}', 'counts {V} as its founder'],
  },
  acquired: {
    plain: ['bought {V}', 'acquired {V}', 'took over {V}'],
    precise: ['completed the acquisition of {V}', 'acquired {V}'],
  },
  ceo: {
    plain: ['is led by {V}', 'has {V} as its chief executive', 'is run by chief executive {V}'],
    precise: ['is led by chief executive {V}', 'names {V} as chief executive officer'],
  },
  headquarters: {
    plain: ['is based in {V}', 'has its home in {V}', 'is headquartered in {V}'],
    precise: ['is headquartered in {V}', 'maintains its headquarters in {V}'],
  },
  located_in: {
    plain: ['is in {V}', 'lies in {V}', 'is located in {V}'],
    precise: ['is located in {V}', 'lies within {V}'],
  },
  capital: { plain: ['has {V} as its capital'], precise: ['has its capital at {V}'] },
  population: {
    plain: ['is home to {V} people', 'has {V} residents', 'has a population of {V}'],
    precise: ['has a population of {V}', 'counts {V} inhabitants'],
  },
  born_in: { plain: ['was born in {V}'], precise: ['was born in {V}'] },
  died_in: { plain: ['died in {V}'], precise: ['died in {V}'] },
  birthplace: { plain: ['was born in {V}'], precise: ['was born in {V}'] },
  spouse: { plain: ['is married to {V}'], precise: ['is married to {V}'] },
  employer: { plain: ['works for {V}', 'works at {V}'], precise: ['is employed by {V}'] },
  owned_by: { plain: ['is owned by {V}', 'belongs to {V}'], precise: ['is owned by {V}'] },
  parent_organization: {
    plain: ['is part of {V}', 'belongs to {V}'],
    precise: ['has {V} as its parent organisation'],
  },
  released_in: { plain: ['came out in {V}', 'was released in {V}'], precise: ['was released in {V}'] },
  instance_of: { plain: ['is a {V}'], precise: ['is an instance of {V}'] },
  status: { plain: ['is {V}'], precise: ['has the status {V}'] },
  series: { plain: ['stood at {V}', 'reached {V}'], precise: ['was recorded at {V}', 'stood at {V}'] },
};

function words(predicate: string): string {
  return predicate.replace(/[_.-]+/g, ' ').trim();
}

/** A verb phrase about the fact's subject, e.g. "has 4,500 employees". */
export function verbPhrase(fact: ContentFact, audience: Audience, key: string): string {
  const entry = PHRASES[fact.predicate];
  const pool = entry
    ? audience === 'expert'
      ? entry.precise
      : entry.plain
    : [`has ${words(fact.predicate)} {V}`];
  return pick(pool, `${factKey(fact)}|${key}`).replace('{V}', fact.value);
}

/** Joins verb phrases about one subject: "A", "A and B", "A, B and C". */
export function joinPhrases(phrases: string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? '';
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Lead-ins for quoted findings; none states a fact, so none needs a citation of its own. */
const QUOTE_LEADS: Record<Tone, string[]> = {
  neutral: ['One source reports:', 'According to the source:', 'The source states:'],
  formal: ['The cited source states:', 'As documented in the source:'],
  friendly: ['Here is what one source says:', 'Worth knowing:'],
  persuasive: ['The evidence is clear:', 'Consider this:'],
};

export function quoteLead(tone: Tone, key: string): string {
  return pick(QUOTE_LEADS[tone], key);
}

/** A question whose answer is the fact, for FAQs. */
const QUESTIONS: Record<string, string> = {
  employees: 'How many people work at {S}?',
  price: 'What does {S} cost?',
  founded_in: 'When was {S} founded?',
  founded_by: 'Who founded {S}?',
  acquired: 'What has {S} acquired?',
  ceo: 'Who leads {S}?',
  headquarters: 'Where is {S} based?',
  located_in: 'Where is {S}?',
  population: 'How many people live in {S}?',
  released_in: 'When did {S} come out?',
  owned_by: 'Who owns {S}?',
  series: 'What is the latest figure for {S}?',
  finding: 'What do the sources say about {S}?',
};

export function questionFor(fact: ContentFact): string {
  const template = QUESTIONS[fact.predicate] ?? `What is the ${words(fact.predicate)} of {S}?`;
  return template.replace('{S}', fact.subject);
}

/** Headings per format and tone: framing only, never a fact. */
export function heading(kind: 'points' | 'summary' | 'sources' | 'more', tone: Tone): string {
  const table: Record<typeof kind, Record<Tone, string>> = {
    points: {
      neutral: 'Key points',
      formal: 'Principal findings',
      friendly: 'The highlights',
      persuasive: 'Why it matters',
    },
    summary: { neutral: 'Summary', formal: 'Summary', friendly: 'In short', persuasive: 'The bottom line' },
    sources: {
      neutral: 'Sources',
      formal: 'References',
      friendly: 'Where this comes from',
      persuasive: 'Sources',
    },
    more: {
      neutral: 'Details',
      formal: 'Further detail',
      friendly: 'A closer look',
      persuasive: 'The details',
    },
  };
  return table[kind][tone];
}

/** Closing lines of social posts, by tone. */
export function postLead(tone: Tone, key: string): string {
  const leads: Record<Tone, string[]> = {
    neutral: ['', 'Noted:'],
    formal: ['', 'For the record:'],
    friendly: ['Did you know?', 'Fun fact:', 'Quick one:'],
    persuasive: ['This matters:', 'Look at this:', 'Here is the case:'],
  };
  return pick(leads[tone], key);
}

export function hashtag(text: string): string {
  const parts = text
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 2 && !/^\d+$/.test(w))
    .slice(0, 3);
  return parts.length === 0 ? '' : `#${parts.map(capitalize).join('')}`;
}
