import { contentTerms, fold, STOPWORDS, stem } from '../text/normalize.js';
import { capitalisedPhrases } from '../text/phrases.js';

/** What kind of string answers a question, read from its wh-phrase. */
export type AnswerType = 'year' | 'number' | 'person' | 'place' | 'choice' | 'other';

export interface QuestionAnalysis {
  text: string;
  /** Stemmed content terms, each once. */
  terms: string[];
  /** Names the question mentions (capitalised phrases, quoted titles). */
  entities: string[];
  /** Terms that belong to no named entity: the relation asked about ("founded", "capital"). */
  relationTerms: string[];
  answerType: AnswerType;
  /** Stemmed nouns naming what is asked for ("university" in "the university where ..."). */
  targets: string[];
  /** True when a relative clause points through another entity ("the city that X is in"). */
  bridge: boolean;
}

const GENERIC_HEADS = new Set([
  'type',
  'kind',
  'class',
  'sort',
  'name',
  'form',
  'part',
  'member',
  'one',
  'kinds',
  'types',
]);
const AUXILIARY = /^(is|was|are|were|did|does|do|has|have|had|can|could|will|would)$/;
const PERSON_NOUNS =
  'actor|actress|person|poet|author|writer|singer|player|coach|director|musician|artist|composer|star|president|king|queen|founder|producer|journalist|politician|scientist|leader';
const PLACE_NOUNS =
  'city|country|county|state|town|arena|stadium|river|island|province|region|village|capital|continent|district|airport|venue|location|mountain';

/** Small equivalence classes of category nouns, so "the city that ..." meets "is a town in ...". */
const CATEGORY_CLASSES = [
  'city town village municipality community hamlet borough settlement',
  'actor actress star performer',
  'film movie picture',
  'company airline corporation business firm carrier manufacturer brand',
  'facility base site installation',
  'singer musician vocalist rapper band',
  'writer author novelist poet',
  'team club franchise',
  'song single track',
  'album record ep',
  'university college school institute academy',
  'war conflict battle',
];
const CATEGORY_OF = new Map<string, string>();
for (const group of CATEGORY_CLASSES) {
  const members = group.split(' ');
  for (const m of members) CATEGORY_OF.set(m, members[0]!);
}

/** Maps a stemmed category noun to its class representative. */
export function categoryClass(noun: string): string {
  return CATEGORY_OF.get(noun) ?? noun;
}

export function analyzeQuestion(question: string): QuestionAnalysis {
  const terms = [...new Set(contentTerms(question))];
  const entities = capitalisedPhrases(question).filter((e) => !STOPWORDS.has(fold(e)));
  const entityTerms = new Set(entities.flatMap((e) => contentTerms(e)));
  const { targets, bridge } = findTargets(question);
  return {
    text: question,
    terms,
    entities,
    relationTerms: terms.filter((t) => !entityTerms.has(t)),
    answerType: answerType(question, entities),
    targets,
    bridge,
  };
}

function answerType(question: string, entities: string[]): AnswerType {
  const l = fold(question);
  const tail = question.split(',').pop() ?? '';
  if (
    /\bor\b/.test(l) &&
    /\b(which|who|what)\b/.test(l) &&
    / or [^?]*\??\s*$/i.test(question) &&
    entities.length >= 2
  ) {
    if (capitalisedPhrases(tail).length >= 1) return 'choice';
  }
  if (/\b(what|which) year\b|\bwhen\b|\bin what decade\b/.test(l)) return 'year';
  if (
    /\bhow (many|much|far|long|old|tall|big|large|high)\b|\bpopulation\b|\bnumber of\b|\bwhat percentage\b/.test(
      l,
    )
  ) {
    return 'number';
  }
  const personNoun = new RegExp(`\\b(which|what) ([a-z]+ )?(${PERSON_NOUNS})\\b`);
  if (/^\s*(who|whom)\b/.test(l) || personNoun.test(l)) return 'person';
  const placeNoun = new RegExp(
    `\\b(which|what) ([a-z]+ )?(${PLACE_NOUNS})\\b|\\b(${PLACE_NOUNS}) (is|was) what\\b`,
  );
  if (/^\s*where\b/.test(l) || placeNoun.test(l)) return 'place';
  return 'other';
}

function findTargets(question: string): { targets: string[]; bridge: boolean } {
  const l = fold(question)
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ');
  const out: string[] = [];
  let bridge = false;
  // "which Mexican and American film actress" → actress; "what type of realism" → realism.
  for (const m of l.matchAll(/\b(?:what|which)\s+((?:[a-z0-9-]+\s+){0,5})/g)) {
    const tokens = (m[1] ?? '').trim().split(' ');
    let head: string | undefined;
    let i = 0;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === 'and') continue;
      if (STOPWORDS.has(t) || AUXILIARY.test(t)) break;
      head = t;
    }
    if (head && GENERIC_HEADS.has(head) && tokens[i] === 'of') {
      const next = tokens.slice(i + 1).find((t) => t !== 'the');
      if (next && !STOPWORDS.has(next)) head = next;
    }
    if (head && !GENERIC_HEADS.has(head)) out.push(head);
  }
  // "the university where ...", "an empire that ...", "a province whose ...": a bridge entity.
  for (const m of l.matchAll(
    /\b(?:the|a|an)\s+(?:[a-z0-9]+\s+){0,2}?([a-z]+)\s+(?:where|that|which|who|whose|in which|of which)\b/g,
  )) {
    if (!STOPWORDS.has(m[1]!)) {
      out.push(m[1]!);
      bridge = true;
    }
  }
  for (const m of l.matchAll(/\b([a-z]+)\s+(?:is|was|are|were)\s+what\b/g))
    if (!STOPWORDS.has(m[1]!)) out.push(m[1]!);
  return { targets: [...new Set(out.map((t) => categoryClass(stem(t))))], bridge };
}
