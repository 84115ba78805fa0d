import type { SentenceInfo, TokenInfo } from './nlp.js';
import type { KeyPhrase, Keyword } from './types.js';

/**
 * Keywords by TF-IDF over the collection (collection term frequency × smoothed IDF, so a term that
 * is frequent overall but not in every source ranks first), and key phrases by RAKE (Rose et al., 2010): candidate
 * phrases are runs of content words between stop words and punctuation; a word scores
 * degree/frequency; a phrase scores the sum of its words.
 */
export interface SourceTokens {
  sourceId: string;
  sentences: SentenceInfo[];
}

const CONTENT_POS = new Set(['NOUN', 'PROPN', 'ADJ']);
const MIN_TERM_LENGTH = 3;
const MAX_PHRASE_WORDS = 4;

function isTerm(token: TokenInfo): boolean {
  return (
    token.type === 'word' &&
    !token.stop &&
    CONTENT_POS.has(token.pos) &&
    token.normal.length >= MIN_TERM_LENGTH
  );
}

function termOf(token: TokenInfo): string {
  return (token.pos === 'PROPN' ? token.normal : token.lemma || token.normal).toLowerCase();
}

/** TF-IDF weights per source (tf = count / terms in source; idf = ln((1 + N) / (1 + df)) + 1). */
export function tfidfVectors(sources: SourceTokens[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  const df = new Map<string, number>();
  for (const source of sources) {
    const tf = new Map<string, number>();
    for (const sentence of source.sentences) {
      for (const token of sentence.tokens)
        if (isTerm(token)) tf.set(termOf(token), (tf.get(termOf(token)) ?? 0) + 1);
    }
    counts.set(source.sourceId, tf);
    for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = sources.length;
  const vectors = new Map<string, Map<string, number>>();
  for (const [sourceId, tf] of counts) {
    const total = [...tf.values()].reduce((a, b) => a + b, 0) || 1;
    const vector = new Map<string, number>();
    for (const [term, count] of tf)
      vector.set(term, (count / total) * (Math.log((1 + n) / (1 + df.get(term)!)) + 1));
    vectors.set(sourceId, vector);
  }
  return vectors;
}

export function keywords(sources: SourceTokens[], limit = 20): Keyword[] {
  const byTerm = new Map<string, Keyword>();
  let total = 0;
  for (const source of sources) {
    for (const sentence of source.sentences) {
      for (const token of sentence.tokens) {
        if (!isTerm(token)) continue;
        total++;
        const term = termOf(token);
        let keyword = byTerm.get(term);
        if (!keyword) {
          keyword = { term, score: 0, count: 0, sources: [] };
          byTerm.set(term, keyword);
        }
        keyword.count++;
        if (!keyword.sources.includes(source.sourceId)) keyword.sources.push(source.sourceId);
      }
    }
  }
  const n = sources.length;
  return [...byTerm.values()]
    .map((k) => ({
      ...k,
      score: round((k.count / Math.max(1, total)) * (Math.log((1 + n) / (1 + k.sources.length)) + 1), 6),
    }))
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, limit);
}

function phraseBreak(token: TokenInfo): boolean {
  return (
    token.type !== 'word' || token.stop || token.pos === 'VERB' || token.pos === 'AUX' || token.pos === 'ADV'
  );
}

export function keyPhrases(sources: SourceTokens[], limit = 15): KeyPhrase[] {
  const candidates: Array<{ words: string[]; sourceId: string }> = [];
  for (const source of sources) {
    for (const sentence of source.sentences) {
      let run: string[] = [];
      const flush = (): void => {
        if (run.length > 0 && run.length <= MAX_PHRASE_WORDS)
          candidates.push({ words: run, sourceId: source.sourceId });
        run = [];
      };
      for (const token of sentence.tokens) {
        if (phraseBreak(token)) flush();
        else run.push(token.normal.toLowerCase());
      }
      flush();
    }
  }
  const freq = new Map<string, number>();
  const degree = new Map<string, number>();
  for (const { words } of candidates) {
    for (const word of words) {
      freq.set(word, (freq.get(word) ?? 0) + 1);
      degree.set(word, (degree.get(word) ?? 0) + words.length);
    }
  }
  const phrases = new Map<string, KeyPhrase>();
  for (const { words, sourceId } of candidates) {
    if (words.length < 2) continue;
    const phrase = words.join(' ');
    let entry = phrases.get(phrase);
    if (!entry) {
      const score = words.reduce((sum, w) => sum + degree.get(w)! / freq.get(w)!, 0);
      entry = { phrase, score, count: 0, sources: [] };
      phrases.set(phrase, entry);
    }
    entry.count++;
    if (!entry.sources.includes(sourceId)) entry.sources.push(sourceId);
  }
  return [...phrases.values()]
    .map((p) => ({ ...p, score: round(p.score * (1 + Math.log(p.count)), 6) }))
    .sort((a, b) => b.score - a.score || (a.phrase < b.phrase ? -1 : 1))
    .slice(0, limit);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
