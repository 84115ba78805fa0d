import type { Envelope } from './envelope.js';

/**
 * The last N routed envelopes, for listings (HTTP API, dashboard). A fixed array written in a
 * circle: one store per message, no allocation, and memory bounded by N.
 */
export class RecentRing {
  private readonly items: Array<Envelope | undefined>;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<Envelope | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  push(envelope: Envelope): void {
    this.items[this.next] = envelope;
    this.next = this.next + 1 === this.items.length ? 0 : this.next + 1;
    if (this.count < this.items.length) this.count++;
  }

  /** Newest first. */
  list(limit: number): Envelope[] {
    const n = Math.min(Math.max(0, limit), this.count);
    const out: Envelope[] = [];
    for (let k = 1; k <= n; k++) {
      const index = (this.next - k + this.items.length) % this.items.length;
      out.push(this.items[index] as Envelope);
    }
    return out;
  }
}
