import type { SentenceInfo, TokenInfo } from './nlp.js';
import { isCurrencyCode, numbersIn } from './numbers.js';
import type { NamedEntity, QuantClaim } from './types.js';

/**
 * Quantitative claims: each money, percent or counted quantity in a sentence becomes
 * (value, unit, subject, sentence, source). The unit comes from the number itself ($, %, EUR)
 * or the noun after it ("442,100 units"); "per kWh" after an amount makes a rate (USD/kWh).
 * The subject is the named entity nearest before the number, else the sentence's first noun
 * phrase. Numbers with no unit (product names, list counters) are not claims.
 */
const CLAIM_TYPES = new Set(['MONEY', 'PERCENT', 'CARDINAL']);
const NOUNISH = new Set(['NOUN', 'PROPN']);
const SUBJECT_POS = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);

export interface SourceSentences {
  sourceId: string;
  sentences: SentenceInfo[];
}

function unitAfter(tokens: TokenInfo[], end: number): string | undefined {
  const next = tokens[end + 1];
  // Single letters are tokenizer fragments ("4,200 H-Stack units" → "H"), not units.
  if (next?.type !== 'word' || next.stop || !NOUNISH.has(next.pos) || next.normal.length < 2)
    return undefined;
  return next.normal;
}

function rateAfter(tokens: TokenInfo[], end: number): string | undefined {
  if (tokens[end + 1]?.normal !== 'per') return undefined;
  const unit = tokens[end + 2];
  return unit && unit.type === 'word' ? unit.text : undefined;
}

function yearIn(sentence: SentenceInfo): number | undefined {
  for (const entity of sentence.entities) {
    if (entity.type !== 'DATE') continue;
    const match = /\b(19|20)\d{2}\b/.exec(entity.text);
    if (match) return Number(match[0]);
  }
  return undefined;
}

function firstNounPhrase(tokens: TokenInfo[]): string | undefined {
  const run: string[] = [];
  for (const token of tokens) {
    if (token.type === 'word' && !token.stop && SUBJECT_POS.has(token.pos) && token.pos !== 'NUM')
      run.push(token.text);
    else if (run.length > 0) break;
  }
  return run.length > 0 ? run.join(' ') : undefined;
}

export function extractClaims(sources: SourceSentences[], entities: NamedEntity[]): QuantClaim[] {
  const claims: QuantClaim[] = [];
  for (const source of sources) {
    for (const sentence of source.sentences) {
      // Named entities in the sentence with where they (or an alias) first appear; people and
      // organisations are preferred as subjects over places.
      const mentioned = entities
        .filter((e) => e.sentences.some((r) => r.sourceId === source.sourceId && r.index === sentence.index))
        .map((e) => ({
          name: e.name,
          rank: e.type === 'place' ? 1 : 0,
          at: Math.min(...[e.name, ...e.aliases].map((n) => sentence.text.indexOf(n)).filter((i) => i >= 0)),
        }))
        .filter((e) => Number.isFinite(e.at));
      const nouns = [
        ...new Set(
          sentence.tokens.filter((t) => t.pos === 'NOUN' && !t.stop).map((t) => t.lemma.toLowerCase()),
        ),
      ].sort();
      let cursor = 0;
      for (const entity of sentence.entities) {
        if (!CLAIM_TYPES.has(entity.type)) continue;
        const parsed = numbersIn(entity.text)[0];
        if (!parsed) continue;
        const before = sentence.tokens[entity.start - 1];
        const currency =
          parsed.currency ?? (before && isCurrencyCode(before.text) ? before.text.toUpperCase() : undefined);
        let unit: string | undefined;
        if (entity.type === 'PERCENT' || parsed.percent) unit = '%';
        else if (entity.type === 'MONEY' || currency) unit = currency ?? 'money';
        else unit = unitAfter(sentence.tokens, entity.end);
        if (!unit) continue;
        if (unit !== '%') {
          const rate = rateAfter(sentence.tokens, entity.end);
          if (rate) unit = `${unit}/${rate}`;
        }
        if (unit !== '%' && !currency && /^(19|20)\d{2}$/.test(entity.text)) continue;
        const raw = currency && !parsed.currency ? `${before!.text} ${entity.text}` : entity.text;
        const at = sentence.text.indexOf(entity.text, cursor);
        if (at >= 0) cursor = at + entity.text.length;
        const limit = at < 0 ? Number.POSITIVE_INFINITY : at;
        const named = mentioned
          .filter((e) => e.at < limit)
          .sort((a, b) => a.rank - b.rank || b.at - a.at)[0]?.name;
        const phrase = firstNounPhrase(sentence.tokens);
        const subject = named ?? (phrase && phrase.length >= 3 ? phrase : 'unspecified');
        const year = yearIn(sentence);
        claims.push({
          sourceId: source.sourceId,
          index: sentence.index,
          value: parsed.value,
          raw,
          unit,
          subject,
          subjectIsEntity: named !== undefined,
          sentence: sentence.text,
          ...(year === undefined ? {} : { year }),
          nouns,
        });
      }
    }
  }
  return claims;
}
