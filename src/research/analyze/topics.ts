import type { TopicCluster } from './types.js';

/**
 * Topic clusters of sources: average-linkage agglomerative clustering of TF-IDF vectors by cosine
 * similarity, merging while the closest pair is at least `threshold` alike. Deterministic: ties
 * go to the pair that comes first in source order. Each cluster is labelled by its top terms.
 */
const DEFAULT_THRESHOLD = 0.12;
const LABEL_TERMS = 3;

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, weight] of a) {
    na += weight * weight;
    const other = b.get(term);
    if (other !== undefined) dot += weight * other;
  }
  for (const weight of b.values()) nb += weight * weight;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function topicClusters(
  vectors: Map<string, Map<string, number>>,
  order: string[],
  threshold = DEFAULT_THRESHOLD,
): TopicCluster[] {
  const ids = order.filter((id) => (vectors.get(id)?.size ?? 0) > 0);
  if (ids.length === 0) return [];
  const similarity = ids.map((a) => ids.map((b) => cosine(vectors.get(a)!, vectors.get(b)!)));
  let clusters = ids.map((_, i) => [i]);
  const linkage = (x: number[], y: number[]): number => {
    let total = 0;
    for (const i of x) for (const j of y) total += similarity[i]![j]!;
    return total / (x.length * y.length);
  };
  for (;;) {
    let best = { score: -1, i: -1, j: -1 };
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const score = linkage(clusters[i]!, clusters[j]!);
        if (score > best.score + 1e-12) best = { score, i, j };
      }
    }
    if (best.i < 0 || best.score < threshold) break;
    const merged = [...clusters[best.i]!, ...clusters[best.j]!].sort((a, b) => a - b);
    clusters = clusters.filter((_, k) => k !== best.i && k !== best.j);
    clusters.push(merged);
    clusters.sort((a, b) => a[0]! - b[0]!);
  }
  return clusters
    .sort((a, b) => b.length - a.length || a[0]! - b[0]!)
    .map((members, k) => {
      const weights = new Map<string, number>();
      for (const i of members) {
        for (const [term, w] of vectors.get(ids[i]!)!) weights.set(term, (weights.get(term) ?? 0) + w);
      }
      const terms = [...weights.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, LABEL_TERMS)
        .map(([term]) => term);
      return { id: `t${k + 1}`, label: terms.join(', '), terms, sources: members.map((i) => ids[i]!) };
    });
}
