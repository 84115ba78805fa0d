/**
 * Text normalisation shared by indexing, question analysis and entity resolution. Deterministic
 * and dependency-free: the same string always yields the same terms on every machine.
 */

/** Words that carry no retrieval signal in questions or passages (English). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a an the and or but if of at by for with about against between into through during before after above below
  to from up down in out on off over under again further then once here there when where why how all any both
  each few more most other some such no nor not only own same so than too very s t can will just don should now
  is are was were be been being have has had having do does did doing i me my we our you your he him his she her
  it its they them their what which who whom this that these those am would could ought as until while also
  known name one two many much whose anyone something called`
    .split(/\s+/)
    .filter(Boolean),
);

/** Lower case without diacritics: "Penélope" → "penelope". */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** Folded word tokens (letters and digits of any script). */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A light suffix stemmer (plural, -ing, -ed). Porter's full algorithm lives in the FTS5
 * tokenizer; this one only has to make "provinces"/"province" and "founded"/"found" meet in
 * term-overlap features, where over-stemming would merge unrelated words.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (/(ch|sh|x|z|ss)es$/.test(word) && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Stemmed content words: what a passage or question is about. */
export function contentTerms(text: string): string[] {
  return words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);
}
