import type { Envelope } from './envelope.js';

const LANES = 10;
/** A lane's consumed prefix is dropped once it is this long and at least half of the array. */
const COMPACT_AT = 1024;

/**
 * One receiver's mailbox: ten FIFO lanes, one per priority, served highest priority first and in
 * arrival order within a priority. Each lane is an array with a moving head, holding
 * (envelope, replyTo) pairs in consecutive slots, so a push allocates nothing beyond the
 * array's own growth and a shift is O(1) amortised.
 */
export class Mailbox {
  private readonly lanes: unknown[][] = Array.from({ length: LANES }, () => []);
  private readonly heads: number[] = new Array<number>(LANES).fill(0);
  /** Highest lane that may be non-empty; lanes above it are empty. */
  private top = -1;
  size = 0;
  /** The replyTo of the envelope last returned by shift(). */
  replyTo: string | undefined = undefined;

  push(envelope: Envelope, replyTo: string | undefined): void {
    const p = lane(envelope.priority);
    const items = this.lanes[p] as unknown[];
    items.push(envelope, replyTo);
    this.size++;
    if (p > this.top) this.top = p;
  }

  /** The next envelope (its replyTo in `this.replyTo`), or undefined when empty. */
  shift(): Envelope | undefined {
    if (this.size === 0) return undefined;
    for (let p = this.top; p >= 0; p--) {
      const items = this.lanes[p] as unknown[];
      const head = this.heads[p] as number;
      if (head === items.length) continue;
      const envelope = items[head] as Envelope;
      this.replyTo = items[head + 1] as string | undefined;
      items[head] = undefined;
      items[head + 1] = undefined;
      const next = head + 2;
      if (next === items.length) {
        items.length = 0;
        this.heads[p] = 0;
      } else if (next >= COMPACT_AT && next * 2 >= items.length) {
        items.splice(0, next);
        this.heads[p] = 0;
      } else {
        this.heads[p] = next;
      }
      this.top = p;
      this.size--;
      return envelope;
    }
    return undefined;
  }

  /** Empties the mailbox, returning what it held in service order. */
  drain(): Envelope[] {
    const out: Envelope[] = [];
    for (let e = this.shift(); e !== undefined; e = this.shift()) out.push(e);
    return out;
  }
}

/** Priorities are validated at the boundary; a trusted caller's out-of-range value is clamped. */
function lane(priority: number): number {
  return priority >= 9 ? 9 : priority <= 0 ? 0 : priority | 0;
}
