import { createHash } from 'node:crypto';
import type { CorpusSource } from '../types.js';

/** Content hash and duplicate removal by canonical URL, then by identical text. */

export function contentHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex');
}

export type PendingSource = Omit<CorpusSource, 'id'>;

/**
 * The page that stays among duplicates: one fetched at its own canonical address (not reached by
 * a redirect), then one whose redirect target is canonical, then the shortest and smallest URL.
 */
function preferred(
  a: PendingSource,
  b: PendingSource,
  key: (s: PendingSource) => string | undefined,
): number {
  const rank = (s: PendingSource): number => (key(s) === s.url ? 0 : key(s) === s.finalUrl ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.url.length !== b.url.length) return a.url.length - b.url.length;
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

function markGroupDuplicates(
  sources: PendingSource[],
  key: (s: PendingSource) => string | undefined,
  describe: string,
): void {
  const groups = new Map<string, PendingSource[]>();
  for (const source of sources) {
    if (source.status !== 'ok') continue;
    const k = key(source);
    if (!k) continue;
    const group = groups.get(k);
    if (group) group.push(source);
    else groups.set(k, [source]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => preferred(a, b, key));
    const [winner, ...rest] = group as [PendingSource, ...PendingSource[]];
    for (const loser of rest) {
      loser.status = 'skipped';
      loser.failure = 'duplicate';
      loser.reason = `${describe} ${winner.url}`;
    }
  }
}

/** Marks duplicates as skipped (kept in the record, with the source they duplicate). Mutates. */
export function removeDuplicates(sources: PendingSource[]): void {
  markGroupDuplicates(sources, (s) => s.canonicalUrl ?? s.finalUrl ?? s.url, 'same canonical URL as');
  markGroupDuplicates(sources, (s) => s.contentHash || undefined, 'same content as');
}
