import { flesch } from 'flesch';
import { syllable } from 'syllable';
import { type Audience, READING_EASE_TARGET } from './request.js';

/**
 * Flesch reading ease of the body text, against the audience's target. Counts: sentences end at
 * . ! ? (a citation marker does not end one); words are letter or digit runs; syllables come from
 * the `syllable` package (a dictionary of exceptions plus English rules).
 */
export const READABILITY_METHOD =
  'Flesch reading ease = 206.835 − 1.015 × words/sentence − 84.6 × syllables/word (flesch and syllable packages)';

export interface Readability {
  score: number;
  target: number;
  audience: Audience;
  meetsTarget: boolean;
  sentences: number;
  words: number;
  syllables: number;
  method: string;
}

export function readability(text: string, audience: Audience): Readability {
  const clean = text.replace(/[“”"]/g, '').trim();
  const sentences = Math.max(1, clean.split(/[.!?]+(?:\s|$)/).filter((s) => /\p{L}/u.test(s)).length);
  const words = clean.match(/[\p{L}\p{N}][\p{L}\p{N}'’,.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? [];
  const syllables = words.reduce((sum, w) => sum + (/\p{L}/u.test(w) ? Math.max(1, syllable(w)) : 1), 0);
  const score =
    words.length === 0 ? 0 : flesch({ sentence: sentences, word: words.length, syllable: syllables });
  const target = READING_EASE_TARGET[audience];
  return {
    score: Math.round(score * 10) / 10,
    target,
    audience,
    meetsTarget: score >= target,
    sentences,
    words: words.length,
    syllables,
    method: READABILITY_METHOD,
  };
}
