/**
 * Sentence segmentation: ICU's sentence rules (Intl.Segmenter, Unicode UAX #29) plus an
 * abbreviation pass, because ICU in Node ships without its abbreviation suppressions and
 * breaks after "Mr." or "U.S." whenever a capital follows. A break is undone when
 *  - the segment ends in a title ("Dr.", "St."), or
 *  - it ends in another abbreviation ("No.", "vs.", "Jan.") or a chain of initials ("U.S.", "J.W.",
 *    "B.C.") and the next segment does not open with a function word ("U.S. Army" stays whole,
 *    "the U.S. In 1990 ..." splits).
 * ICU already keeps "3.5" and "S.H.I.E.L.D." (no space after the dot) together.
 */
/** Titles always precede a name. */
const TITLES = new Set('mr mrs ms dr prof st mt gen col capt lt sgt rev gov sen rep pres'.split(' '));
/** These may also end a sentence. Company suffixes ("Inc.", "Corp.") are left to ICU, which breaks before a capital only. */
const ABBREVIATIONS = new Set(
  (
    'jr sr no vs etc approx jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'fig vol ed est ca cf al e.g i.e'
  ).split(' '),
);
/** Words that open sentences far more often than they follow an abbreviation inside one. */
const OPENERS = new Set(
  (
    'the a an in on at it its he she they we i this that these those there his her their after ' +
    'before during when while however but and as by for from since with to of its'
  ).split(' '),
);
const INITIALS = /(?:^|[\s("'“])(?:\p{Lu}\.)+$/u;

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

function keepsGoing(piece: string, next: string): boolean {
  const trimmed = piece.trimEnd();
  if (!trimmed.endsWith('.')) return false;
  if (/\n\s*$/.test(piece)) return false;
  const lastWord = (trimmed.split(/\s+/).pop() ?? '').replace(/^[("'“‘]+/, '');
  const bare = lastWord.slice(0, -1).toLowerCase();
  if (TITLES.has(bare)) return true;
  if (ABBREVIATIONS.has(bare) || INITIALS.test(trimmed)) {
    const opening = next.trimStart();
    if (/^\d/.test(opening)) return ABBREVIATIONS.has(bare); // "No. 5", but "in 300 B.C. 20 years later"
    const firstWord = (opening.match(/^\p{L}+/u)?.[0] ?? '').toLowerCase();
    return firstWord !== '' && !OPENERS.has(firstWord);
  }
  return false;
}

export function sentenceSpans(text: string): SentenceSpan[] {
  const segments = [...segmenter.segment(text)];
  const spans: SentenceSpan[] = [];
  let start = -1;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (start < 0) start = seg.index;
    const next = segments[i + 1];
    if (next && keepsGoing(seg.segment, next.segment)) continue;
    pushTrimmed(spans, text, start, seg.index + seg.segment.length);
    start = -1;
  }
  if (start >= 0) pushTrimmed(spans, text, start, text.length);
  return spans;
}

function pushTrimmed(spans: SentenceSpan[], text: string, start: number, end: number): void {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] ?? '')) s++;
  while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
  if (e > s) spans.push({ text: text.slice(s, e), start: s, end: e });
}

export function sentences(text: string): string[] {
  return sentenceSpans(text).map((s) => s.text);
}
