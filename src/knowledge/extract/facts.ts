import type { EntityType, ValueType } from '../types.js';

/**
 * Deterministic fact patterns over single sentences. Each pattern names its predicate, which
 * capture is the subject, and a confidence reflecting how often the wording means exactly that
 * ("X acquired Y" almost always does: 0.9; "X is a Y" often describes rather than classifies: 0.6).
 * A pronoun subject ("It has 4,500 employees") resolves to the passage's subject at 0.8x the
 * confidence, since the antecedent is a guess.
 */
export interface FactCandidate {
  subject: { name: string; type?: EntityType };
  predicate: string;
  object?: { name: string; type?: EntityType };
  value?: string | number;
  valueType?: ValueType;
  confidence: number;
  validFrom?: string;
  sentence: string;
}

const UPPER = "[\\p{Lu}][\\p{L}\\p{N}&'’.\\-]*";
const NOT_A_NAME =
  '(?!(?:It|He|She|They|We|The|This|That|These|Those|In|On|At|As|By|For|From|A|An|His|Her|Its|Their)\\b)';
const NAME = `(${NOT_A_NAME}${UPPER}(?:\\s+(?:(?:of|de|von|van|der|du|la|&)\\s+)?${UPPER})*)`;
const PRONOUN = '(It|He|She|They|The company|The firm|The organisation|The organization|The city|The town)';
const SUBJECT = `(?:${NAME}|${PRONOUN})`;
const NUMBER = '(\\d[\\d,]*(?:\\.\\d+)?(?:\\s+(?:thousand|million|billion))?)';
const MONEY =
  '((?:[$€£¥]|USD\\s?|EUR\\s?)\\s?\\d[\\d,]*(?:\\.\\d+)?(?:\\s?(?:thousand|million|billion|bn|m|k))?|\\d[\\d,]*(?:\\.\\d+)?\\s?(?:dollars|euros|pounds|USD|EUR))';
const YEAR = '(1[0-9]{3}|20[0-9]{2})';
const DATE = `((?:(?:\\d{1,2}\\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\\s+(?:\\d{1,2},\\s+)?)?${YEAR.slice(1, -1)})`;
const HEDGE = '(?:about |around |approximately |roughly |nearly |over |more than |some )?';

type Role = 'subject' | 'object' | 'value' | 'pron-subject' | 'pron-object';
interface Pattern {
  predicate: string;
  re: RegExp;
  /** Capture group order: which groups hold what. SUBJECT takes two groups (name, pronoun). */
  groups: Role[];
  confidence: number;
  valueType?: ValueType;
  objectType?: EntityType;
  subjectType?: EntityType;
}

const p = (
  predicate: string,
  source: string,
  groups: Role[],
  confidence: number,
  extra: Partial<Pattern> = {},
): Pattern => ({
  predicate,
  re: new RegExp(source, 'u'),
  groups,
  confidence,
  ...extra,
});

const PATTERNS: Pattern[] = [
  p(
    'acquired',
    `${SUBJECT}\\s+(?:has\\s+|had\\s+)?(?:acquired|bought|purchased|took over)\\s+${NAME}`,
    ['pron-subject', 'object'],
    0.9,
    { subjectType: 'organization', objectType: 'organization' },
  ),
  p(
    'acquired',
    `${NAME}\\s+(?:was|has been|had been)\\s+(?:acquired|bought|purchased)\\s+by\\s+${NAME}`,
    ['object', 'subject'],
    0.9,
    { subjectType: 'organization', objectType: 'organization' },
  ),
  p(
    'ceo',
    `${SUBJECT}\\s+(?:is|was|has been|became)\\s+(?:the\\s+)?(?:CEO|chief executive(?: officer)?|Chief Executive(?: Officer)?)\\s+of\\s+${NAME}`,
    ['pron-object', 'subject'],
    0.9,
    { subjectType: 'organization', objectType: 'person' },
  ),
  p('ceo', `${NAME}['’]s\\s+(?:CEO|chief executive(?: officer)?),?\\s+${NAME}`, ['subject', 'object'], 0.75, {
    subjectType: 'organization',
    objectType: 'person',
  }),
  p(
    'founded_by',
    `${SUBJECT}\\s+(?:was\\s+)?(?:founded|co-founded|established)\\s+(?:in\\s+${YEAR}\\s+)?by\\s+${NAME}`,
    ['pron-subject', 'value', 'object'],
    0.85,
    { objectType: 'person' },
  ),
  p(
    'founded_in',
    `${SUBJECT}\\s+(?:was|were)\\s+(?:founded|established|formed|created|incorporated)\\s+(?:in|on)\\s+${DATE}`,
    ['pron-subject', 'value'],
    0.9,
    { valueType: 'date' },
  ),
  p(
    'employees',
    `${SUBJECT}\\s+(?:has|had|employs|employed)\\s+${HEDGE}${NUMBER}\\s+(?:employees|staff|people|workers)`,
    ['pron-subject', 'value'],
    0.85,
    { valueType: 'number', subjectType: 'organization' },
  ),
  p(
    'price',
    `[Tt]he price of\\s+${NAME}\\s+(?:is|was|rose to|fell to|has risen to|has fallen to)\\s+${MONEY}`,
    ['subject', 'value'],
    0.85,
    { valueType: 'money' },
  ),
  p(
    'price',
    `${NAME}\\s+(?:costs|is priced at|sells for|retails for)\\s+${MONEY}`,
    ['subject', 'value'],
    0.8,
    { valueType: 'money' },
  ),
  p(
    'headquarters',
    `${SUBJECT}\\s+(?:is|was)\\s+(?:headquartered|based)\\s+in\\s+${NAME}`,
    ['pron-subject', 'object'],
    0.85,
    { objectType: 'place' },
  ),
  p('capital', `${NAME}\\s+is\\s+the\\s+capital\\s+(?:city\\s+)?of\\s+${NAME}`, ['object', 'subject'], 0.9, {
    objectType: 'place',
    subjectType: 'place',
  }),
  p('capital', `[Tt]he capital of\\s+${NAME}\\s+is\\s+${NAME}`, ['subject', 'object'], 0.9, {
    objectType: 'place',
    subjectType: 'place',
  }),
  p(
    'population',
    `${SUBJECT}(?:['’]s)?\\s+population\\s+(?:is|was)\\s+${HEDGE}${NUMBER}`,
    ['pron-subject', 'value'],
    0.8,
    { valueType: 'number', subjectType: 'place' },
  ),
  p('population', `^(?:[Tt]he) population (?:is|was) ${HEDGE}${NUMBER}`, ['value'], 0.7, {
    valueType: 'number',
  }),
  p('born_in', `${NAME}\\s+(?:was\\s+)?born\\s+(?:on\\s+|in\\s+)?${DATE}`, ['subject', 'value'], 0.85, {
    valueType: 'date',
    subjectType: 'person',
  }),
  p('birthplace', `${NAME}\\s+was\\s+born\\s+in\\s+${NAME}`, ['subject', 'object'], 0.8, {
    objectType: 'place',
    subjectType: 'person',
  }),
  p('died_in', `${SUBJECT}\\s+died\\s+(?:on\\s+|in\\s+)${DATE}`, ['pron-subject', 'value'], 0.85, {
    valueType: 'date',
    subjectType: 'person',
  }),
  p(
    'spouse',
    `${SUBJECT}\\s+(?:married|is married to|was married to)\\s+${NAME}`,
    ['pron-subject', 'object'],
    0.85,
    { objectType: 'person', subjectType: 'person' },
  ),
  p('employer', `${SUBJECT}\\s+(?:works|worked)\\s+(?:for|at)\\s+${NAME}`, ['pron-subject', 'object'], 0.8, {
    objectType: 'organization',
    subjectType: 'person',
  }),
  p('owned_by', `${SUBJECT}\\s+is\\s+owned\\s+by\\s+${NAME}`, ['pron-subject', 'object'], 0.85, {
    objectType: 'organization',
  }),
  p(
    'parent_organization',
    `${SUBJECT}\\s+is\\s+(?:a|an)\\s+(?:wholly[- ]owned\\s+)?subsidiary\\s+of\\s+${NAME}`,
    ['pron-subject', 'object'],
    0.85,
    { objectType: 'organization' },
  ),
  p(
    'released_in',
    `${SUBJECT}\\s+(?:was|were)\\s+released\\s+(?:in|on)\\s+${DATE}`,
    ['pron-subject', 'value'],
    0.8,
    { valueType: 'date', subjectType: 'work' },
  ),
  p('located_in', `${SUBJECT}\\s+is\\s+located\\s+in\\s+${NAME}`, ['pron-subject', 'object'], 0.8, {
    objectType: 'place',
  }),
  p(
    'instance_of',
    `^${NAME}\\s+(?:\\([^)]*\\)\\s+)?(?:is|was)\\s+(?:a|an)\\s+([a-z][a-z\\s-]{2,60}?)(?=[,.;]|\\s+(?:that|which|who|based|located|in|of|from|with|by)\\b)`,
    ['subject', 'value'],
    0.6,
    { valueType: 'string' },
  ),
];

const SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

function parseNumber(text: string): number | string {
  const m = text.match(/^(\d[\d,]*(?:\.\d+)?)(?:\s+(thousand|million|billion))?$/);
  if (!m) return text;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isFinite(n) ? n * (m[2] ? SCALE[m[2]]! : 1) : text;
}

/** A year or date inside the sentence that dates the fact ("in 2021", "on March 3, 2021"). */
function dateIn(sentence: string): string | undefined {
  const m = sentence.match(new RegExp(`\\b(?:in|on|since|as of|from)\\s+${DATE}`, 'u'));
  return m?.[1];
}

export function extractFacts(
  sentence: string,
  defaultSubject: { name: string; type?: EntityType } | null,
): FactCandidate[] {
  const out: FactCandidate[] = [];
  for (const pattern of PATTERNS) {
    const m = pattern.re.exec(sentence);
    if (!m) continue;
    let index = 1;
    let subject: FactCandidate['subject'] | undefined;
    let object: FactCandidate['object'];
    let value: string | number | undefined;
    let confidence = pattern.confidence;
    for (const role of pattern.groups) {
      if (role === 'pron-subject' || role === 'pron-object') {
        // A SUBJECT slot is two groups: a name, or a pronoun standing for the passage's subject.
        const name = m[index];
        const pronoun = m[index + 1];
        index += 2;
        let resolved: { name: string; type?: EntityType } | undefined;
        if (name) resolved = { name: cleanName(name) };
        else if (pronoun && defaultSubject) {
          resolved = defaultSubject;
          confidence *= 0.8;
        }
        if (role === 'pron-subject') subject = resolved;
        else object = resolved;
        continue;
      }
      const text = m[index++];
      if (text === undefined) continue;
      if (role === 'subject') subject = { name: cleanName(text) };
      else if (role === 'object') object = { name: cleanName(text) };
      else value = text;
    }
    if (pattern.groups[0] === 'value' && defaultSubject) {
      subject = defaultSubject;
      confidence *= 0.8;
    }
    if (!subject) continue;
    if (pattern.subjectType && !subject.type) subject = { ...subject, type: pattern.subjectType };
    if (object && pattern.objectType && !object.type) object = { ...object, type: pattern.objectType };
    const s = subject;
    const o = object;
    const candidate: FactCandidate = {
      subject: s,
      predicate: pattern.predicate,
      confidence: round(confidence),
      sentence,
    };
    if (pattern.predicate === 'founded_by' && value !== undefined) {
      out.push({
        subject: s,
        predicate: 'founded_in',
        value: String(value),
        valueType: 'date',
        confidence: round(confidence),
        sentence,
      });
      value = undefined;
    }
    if (o) candidate.object = o;
    if (value !== undefined) {
      candidate.value = pattern.valueType === 'number' ? parseNumber(String(value)) : String(value).trim();
      candidate.valueType = pattern.valueType ?? 'string';
    }
    if (candidate.object === undefined && candidate.value === undefined) continue;
    const when = dateIn(sentence);
    if (when && pattern.valueType !== 'date') candidate.validFrom = when;
    out.push(candidate);
  }
  return dedupe(out);
}

/** Sentence punctuation caught at the end of a name ("Peru." → "Peru"). */
function cleanName(name: string): string {
  return name.replace(/[.,;:!?]+$/, '').trim();
}

function dedupe(facts: FactCandidate[]): FactCandidate[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const key = `${f.subject.name}|${f.predicate}|${f.object?.name ?? ''}|${f.value ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
