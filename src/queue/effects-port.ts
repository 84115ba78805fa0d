/** The transactional outbox as the effect dispatcher and the CLI see it. */
export interface OutboxEffect {
  /** The stable key the handler gave; receivers deduplicate on it (Idempotency-Key). */
  key: string;
  taskId: string;
  kind: string;
  payload: unknown;
  createdAt: number;
  deliveredAt: number | null;
}

export interface EffectStore {
  /** Undelivered effects, oldest first. */
  pending(limit: number): Promise<OutboxEffect[]>;
  /** Marks an effect delivered; false when it already was (another dispatcher got there first). */
  markDelivered(key: string, now: number): Promise<boolean>;
  list(filter: { pending?: boolean; limit?: number }): Promise<OutboxEffect[]>;
  /** Makes an effect undelivered again so the dispatcher sends it once more; false if unknown. */
  requeue(key: string): Promise<boolean>;
}
