import { fold } from '../text/normalize.js';
import { capitalisedPhrases } from '../text/phrases.js';

/** What kind of span answers a question. */
export type ExpectedType =
  | 'person'
  | 'organisation'
  | 'place'
  | 'date'
  | 'number'
  | 'quantity'
  | 'yesno'
  | 'choice'
  | 'thing';

export interface ExpectedAnswer {
  type: ExpectedType;
  /** For a choice question ("X or Y?"), the options named. */
  options: string[];
}

const PERSON_NOUNS =
  'actor|actress|person|poet|author|writer|singer|player|coach|director|musician|artist|composer|star|president|king|queen|founder|producer|journalist|politician|scientist|leader|ceo|chief executive|chairman|man|woman|novelist|painter|drummer|guitarist|footballer|manager|head coach';
const ORG_NOUNS =
  'company|university|college|school|team|club|band|group|brewery|airline|corporation|firm|organi[sz]ation|newspaper|magazine|label|network|agency|party|manufacturer|publisher|studio|franchise';
const PLACE_NOUNS =
  'city|country|county|state|town|arena|stadium|river|island|province|region|village|capital|continent|district|airport|venue|location|mountain|hamlet|neighbou?rhood|lake|park';

/**
 * Reads the expected answer type from the question's wh-phrase, most specific first:
 * "which A or B" is a choice; "is/was/did ..." a yes/no; "when", "what year" a date; "how many
 * members" a quantity (a number with its unit), "how many" alone a number; "who", "which actor"
 * a person; "which company/university/team" an organisation; "where", "what city" a place.
 * Everything else expects a name or noun phrase ("thing").
 */
export function expectedAnswer(question: string): ExpectedAnswer {
  const l = fold(question)
    .replace(/[^a-z0-9' -]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const options = choiceOptions(question);
  if (options.length === 2) return { type: 'choice', options };
  if (/^(is|was|are|were|did|does|do|has|have|had|can|could|will|would)\b/.test(l))
    return { type: 'yesno', options: [] };
  // "when" asks for a date only as the wh-word; "the capital of India when ..." asks for a place.
  if (/\b(what|which) (year|date|decade|century)\b|^(since )?when\b/.test(l))
    return { type: 'date', options: [] };
  if (
    /\bhow (much|big|large|far|long|tall|high|old|heavy)\b|\bwhat (size|length|distance|height|area)\b/.test(
      l,
    )
  )
    return { type: 'quantity', options: [] };
  if (/\bhow many\b|\bpopulation\b|\bnumber of\b|\bwhat percentage\b/.test(l))
    return { type: /\bhow many [a-z]+\b/.test(l) ? 'quantity' : 'number', options: [] };
  // Up to four modifiers between the wh-word and its noun, none a verb: "which Mexican and American
  // film actress", "which of the four US presidents", but not "what city is the company".
  const wh = "(?:which|what)(?: (?!(?:is|was|are|were|did|does|do|has|have|had)\\b)[a-z'-]+){0,4}? ";
  if (
    /^(who|whom)\b|\bwho (is|was|are|were)\b/.test(l) ||
    new RegExp(`\\b${wh}(${PERSON_NOUNS})s?\\b`).test(l)
  )
    return { type: 'person', options: [] };
  if (new RegExp(`\\b${wh}(${ORG_NOUNS})s?\\b`).test(l)) return { type: 'organisation', options: [] };
  if (/^where\b|\bwhere (is|was|did|does)\b/.test(l) || new RegExp(`\\b${wh}(${PLACE_NOUNS})s?\\b`).test(l))
    return { type: 'place', options: [] };
  // "What was the capital of ...": the noun after the copula names the kind.
  const copula = l.match(/^(?:what|which) (?:is|was|are|were) (?:the |a |an )?([a-z]+)/);
  if (copula) {
    const kind = nounType(copula[1]!);
    if (kind !== 'thing') return { type: kind, options: [] };
  }
  return { type: 'thing', options: [] };
}

/** The kind of name a category noun stands for ("author" → person, "province" → place). */
export function nounType(noun: string): ExpectedType {
  if (new RegExp(`^(${PERSON_NOUNS})s?$`).test(noun)) return 'person';
  if (new RegExp(`^(${ORG_NOUNS})s?$`).test(noun)) return 'organisation';
  if (new RegExp(`^(${PLACE_NOUNS})s?$`).test(noun)) return 'place';
  return 'thing';
}

/** "Which ..., A or B?" or "Between A and B, which ...?" → [A, B] when both sides are names. */
function choiceOptions(question: string): string[] {
  const between = question.match(
    /^\s*between\s+(?:the\s+)?(.+?)\s+and\s+(?:the\s+)?(.+?),\s*(which|who|what)\b/i,
  );
  if (between) {
    const a = capitalisedPhrases(between[1]!)[0];
    const b = capitalisedPhrases(between[2]!)[0];
    if (a && b) return [a, b];
  }
  const m = question.match(/,?\s*(?:the\s+)?([^,?]+?)\s+or\s+(?:the\s+)?([^,?]+?)\s*\??\s*$/i);
  if (!m || !/\b(which|who|what)\b/i.test(question)) return [];
  const tail = `${m[1]} or ${m[2]}`;
  const names = capitalisedPhrases(tail);
  if (names.length < 2) return [];
  const left = capitalisedPhrases(m[1]!).pop();
  const right = capitalisedPhrases(m[2]!)[0];
  return left && right ? [left, right] : [];
}
