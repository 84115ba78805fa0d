import { fold, STOPWORDS, stem, words } from './normalize.js';

/**
 * Surface cues for names in English text, used where a tagger is too slow (query time) or too
 * narrow (titles of works, which taggers rarely type): capitalised phrases, quoted titles, the
 * subject a lead sentence introduces, the aliases it gives, and the category it names.
 */

const CONNECTORS = new Set([
  'of',
  'the',
  'de',
  'von',
  'van',
  'der',
  'du',
  'la',
  'le',
  'da',
  'di',
  'del',
  '&',
]);

/** Capitalised phrases ("Moscow State University") and quoted titles, in reading order. */
export function capitalisedPhrases(text: string): string[] {
  const found: Array<{ at: number; phrase: string }> = [];
  for (const m of text.matchAll(/["“]([^"”]{2,80})["”]/g))
    found.push({ at: m.index ?? 0, phrase: m[1]!.trim() });
  let current: string[] = [];
  let currentAt = 0;
  const flush = () => {
    while (current.length > 0 && CONNECTORS.has(current[current.length - 1]!.toLowerCase())) current.pop();
    if (current.length > 0) found.push({ at: currentAt, phrase: current.join(' ') });
    current = [];
  };
  for (const m of text.matchAll(/\S+/g)) {
    const raw = m[0];
    const token = raw.replace(/^[("'“‘[]+|[)"'”’\],;:.!?]+$/g, '');
    if (/^[([“"]/.test(raw)) flush();
    const lower = token.toLowerCase();
    const capital = /^[\p{Lu}\d][\p{L}\p{N}'’.-]*$/u.test(token) && !STOPWORDS.has(lower);
    if (capital) {
      if (current.length === 0) currentAt = m.index ?? 0;
      current.push(token);
    } else if (current.length > 0 && CONNECTORS.has(lower) && token === raw) {
      current.push(token);
    } else {
      flush();
    }
    if (/[,;:.!?)"”]$/.test(raw) && !/^\p{Lu}\.$/u.test(raw)) flush();
  }
  flush();
  found.sort((a, b) => a.at - b.at);
  return found.map((f) => f.phrase).filter((p) => /\p{L}/u.test(p));
}

/** The name a lead sentence is about: a leading quoted title, else its first capitalised phrase. */
export function leadSubject(lead: string): string | undefined {
  const quoted = lead.match(/^\s*(?:The\s+)?["“]([^"”]{2,80})["”]/);
  if (quoted) return quoted[1]!.trim();
  // A nickname in quotes inside a name ('Stuart Allen "Stu" Roosa') belongs to the name.
  const head = (lead.split(/[(,]/)[0] ?? lead).replace(
    /(\p{Lu}[\p{L}.'-]*)\s+["“][^"”]{1,20}["”]\s+(?=\p{Lu})/u,
    '$1 ',
  );
  return capitalisedPhrases(head)[0] ?? capitalisedPhrases(lead)[0];
}

/** Names a lead sentence gives its subject: the subject, "also known as X", "trading as X", "(ABC;". */
export function leadNames(lead: string): string[] {
  const names: string[] = [];
  const subject = leadSubject(lead);
  if (subject) names.push(subject);
  const aliasPattern =
    /\b(?:also known as|better known as|known as|trading as|formerly|or simply|nicknamed|abbreviated(?: as)?)\s+(?:the\s+)?(["“]?)([^"”,;()]{2,60})\1/gi;
  for (const m of lead.matchAll(aliasPattern)) names.push(m[2]!.trim());
  const abbreviation = lead.match(/^[^(]{2,80}\(\s*([\p{Lu}\d][\p{Lu}\d&.-]{1,10})\s*[;,)]/u);
  if (abbreviation) names.push(abbreviation[1]!);
  return [...new Set(names)];
}

const DESCRIPTION_STOP = new Set([
  'of',
  'in',
  'on',
  'at',
  'for',
  'from',
  'with',
  'by',
  'that',
  'which',
  'who',
  'whose',
  'where',
  'located',
  'based',
  'known',
  'to',
  'as',
  'about',
  'founded',
  'born',
  'situated',
  'between',
  'near',
  'within',
  'since',
  'during',
  'under',
  'after',
  'before',
  'like',
]);

/**
 * What a lead sentence says its subject is: the head noun of "X is a ... NOUN" and the last word
 * of the subject's name ("... University"), stemmed. "Logar is one of the 34 provinces of
 * Afghanistan" → ["logar", "province"].
 */
export function leadCategory(lead: string): string[] {
  const out: string[] = [];
  const subject = leadSubject(lead);
  if (subject) {
    const w = words(subject);
    if (w.length > 0) out.push(stem(w[w.length - 1]!));
  }
  const plain = fold(lead).replace(/\([^)]*\)/g, ' ');
  const m = plain.match(
    /\b(?:is|was|are|were)\s+(?:(?:also|now|currently|briefly|formerly|still)\s+)?(?:one of\s+)?(?:(?:a|an|the)\s+)?(.*)$/,
  );
  if (m) {
    let head: string | undefined;
    for (const raw of (m[1] ?? '').split(/\s+/)) {
      const token = raw.replace(/[^a-z0-9'-]/g, '');
      if (!token) continue;
      if (DESCRIPTION_STOP.has(token)) break;
      head = token;
      if (/[,.;:]$/.test(raw)) break;
    }
    if (head) out.push(stem(head.replace(/'s$/, '')));
  }
  return [...new Set(out)];
}

/** Content words of a name, for overlap tests between names. */
export function nameWords(name: string): Set<string> {
  return new Set(words(name).filter((w) => !STOPWORDS.has(w)));
}

/** Jaccard overlap of two names' content words (0..1). */
export function nameOverlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}
