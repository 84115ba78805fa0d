/**
 * Reciprocal rank fusion (Cormack et al., 2009): each ranked list adds weight / (k + rank) to an
 * item, rank counted from 0. A small k lets the head of a list dominate; k = 60 in the paper is
 * tuned for long lists of similar quality, ours are short and unequal, so each list sets its own.
 */
export interface RankedList {
  ids: readonly string[];
  weight: number;
  k: number;
}

export function reciprocalRankFusion(lists: readonly RankedList[]): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    for (const [rank, id] of list.ids.entries())
      scores.set(id, (scores.get(id) ?? 0) + list.weight / (list.k + rank));
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
