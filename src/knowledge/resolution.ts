import { fold } from './text/normalize.js';
import type { EntityType } from './types.js';

/**
 * Entity resolution: a new name joins an existing entity when (1) its normalised name matches,
 * else (2) one of the entity's aliases does, else (3) Jaro-Winkler similarity is at least 0.94
 * for names of the same type. Short names (under 6 characters after normalisation) must match
 * exactly: "IBM" and "IBX" score 0.87, "Anna" and "Anne" 0.88, and a merge there is usually wrong.
 */
export const JW_THRESHOLD = 0.94;
export const SHORT_NAME = 6;

const ORG_SUFFIXES =
  /\b(inc|incorporated|ltd|limited|llc|plc|corp|corporation|co|company|gmbh|ag|sa|nv|bv|oy|ab)\b\.?$/;

export function normaliseName(name: string): string {
  let n = fold(name)
    .replace(/['’]s\b/g, '')
    .replace(/[^\p{L}\p{N}&]+/gu, ' ')
    .trim();
  n = n.replace(/^the\s+/, '');
  // Strip one trailing legal-form suffix ("Acme Corp." = "Acme"), never the whole name.
  const stripped = n.replace(ORG_SUFFIXES, '').trim();
  if (stripped.length > 0) n = stripped;
  return n.replace(/\s+/g, ' ');
}

export function blockKey(norm: string): string {
  return norm.slice(0, 2);
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const aMatched = new Array<boolean>(la).fill(false);
  const bMatched = new Array<boolean>(lb).fill(false);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

export interface EntityCandidate {
  id: string;
  type: EntityType;
  norm: string;
  aliasNorms: string[];
}

/** Types that may name the same thing; "thing" is what a name gets when no tagger typed it. */
function compatible(a: EntityType, b: EntityType): boolean {
  return a === b || a === 'thing' || b === 'thing';
}

/** Picks the entity a name resolves to among candidates, or null for a new entity. */
export function resolveEntity(
  name: { norm: string; type: EntityType; aliasNorms?: readonly string[] },
  candidates: readonly EntityCandidate[],
): string | null {
  const keys = new Set([name.norm, ...(name.aliasNorms ?? [])]);
  const exact = candidates.find((c) => keys.has(c.norm) && compatible(c.type, name.type));
  if (exact) return exact.id;
  const alias = candidates.find(
    (c) => c.aliasNorms.some((a) => keys.has(a)) && compatible(c.type, name.type),
  );
  if (alias) return alias.id;
  if (name.norm.length < SHORT_NAME) return null;
  let best: { id: string; score: number } | null = null;
  for (const c of candidates) {
    if (c.type !== name.type || c.norm.length < SHORT_NAME) continue;
    const score = jaroWinkler(name.norm, c.norm);
    if (score >= JW_THRESHOLD && (!best || score > best.score)) best = { id: c.id, score };
  }
  return best?.id ?? null;
}

/** Similarity used by duplicate detection (the same rule as resolution, without the type relaxation). */
export function likelyDuplicates(a: EntityCandidate, b: EntityCandidate): number {
  if (a.type !== b.type && a.type !== 'thing' && b.type !== 'thing') return 0;
  const aKeys = new Set([a.norm, ...a.aliasNorms]);
  if (aKeys.has(b.norm) || b.aliasNorms.some((x) => aKeys.has(x))) return 1;
  if (a.norm.length < SHORT_NAME || b.norm.length < SHORT_NAME) return 0;
  const s = jaroWinkler(a.norm, b.norm);
  return s >= JW_THRESHOLD ? s : 0;
}
