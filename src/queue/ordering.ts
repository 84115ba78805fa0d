/**
 * Claim order and anti-starvation. A queued task's rank is its run-at time minus its priority
 * times the aging step; tasks are claimed in rank order, then arrival order. So among tasks ready
 * at about the same time the higher priority runs first, while each step of waiting is worth one
 * priority level: a priority-0 task is never passed by a priority-9 task that became ready more
 * than 9 steps (default 90 s) after it. The rank is fixed at enqueue, so claiming stays one
 * ordered index scan however long the queue is.
 */
export function rankOf(runAt: number, priority: number, agingStepMs: number): number {
  return runAt - priority * agingStepMs;
}

/** Exponential backoff with full jitter in the upper half: base * 2^(attempt-1), capped. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
