/**
 * Bounds how many key verifications run scrypt at once. Each takes ~16 MiB and one libuv
 * thread (4 by default) for ~40 ms; unbounded, a burst of wrong keys fills the thread pool and
 * every file read and DNS lookup of the process queues behind it. Two at a time leaves the rest
 * of the pool free; later callers wait their turn in order.
 */
export const SCRYPT_CONCURRENCY = 2;

export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
