/**
 * Wakes idle workers in other processes when tasks become ready, so that none waits for its poll
 * interval. A node still polls (queue.pollMs) as the fallback: a lost wake-up delays work by at
 * most one poll, it never loses it. Adapters:
 *
 * - several processes on one SQLite home: a Unix socket channel in the home (src/queue/local-wake-up.ts);
 * - PostgreSQL: LISTEN/NOTIFY on the database connection (the store's adapter);
 * - one process: none is needed, since the node hears its own `task:queued` events.
 *
 * Only skills travel, never task contents: a wake-up says "look again", the claim decides.
 */
export interface WakeUp {
  /**
   * Tells the other processes that tasks of these skills became ready (queued, retried or
   * released). Best effort and non-blocking: batches within a tick, never throws.
   */
  notify(skills: readonly string[]): void;
  /** Calls `listener` when another process announced ready work; returns the unsubscribe. */
  subscribe(listener: (skills: readonly string[]) => void): () => void;
  /** Stops listening and notifying; idempotent. */
  close(): Promise<void>;
}
