/**
 * Per-host politeness: at most `concurrency` requests in flight to one host, and request starts
 * spaced at least `delayMs` apart (raised per host by a robots.txt Crawl-delay). Slots are handed
 * out first come, first served, so no page waits behind later ones.
 */
interface HostState {
  active: number;
  /** When the latest request to the host began (ms since the epoch). */
  lastStart: number;
  /** Resolves when the latest turn has begun; the next turn chains on it. */
  gate: Promise<void>;
  delayMs: number;
  waiters: Array<() => void>;
}

export class HostScheduler {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly concurrency: number,
    private readonly delayMs: number,
  ) {}

  /** Raises the delay for one host (never lowers it below the configured delay). */
  setHostDelay(host: string, delayMs: number): void {
    const state = this.state(host);
    state.delayMs = Math.max(this.delayMs, delayMs);
  }

  async run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.state(host);
    // A finishing request hands its slot straight to the next waiter, so `active` never overshoots.
    if (state.active >= this.concurrency) await new Promise<void>((resolve) => state.waiters.push(resolve));
    else state.active++;
    try {
      await this.turn(host, signal);
      return await task();
    } finally {
      const next = state.waiters.shift();
      if (next) next();
      else state.active--;
    }
  }

  /**
   * Waits for the host's next start slot. `run` calls it once; a fetch that follows a redirect
   * back to the same host calls it again for each hop. Turns are chained: each waits until
   * `delayMs` after the previous turn actually began, so a timer that fires late (a busy event
   * loop, a descheduled process) can never squeeze two requests closer than the delay.
   */
  turn(host: string, signal?: AbortSignal): Promise<void> {
    const state = this.state(host);
    const mine = state.gate.then(async () => {
      // A loop, not one sleep: a timer may fire a millisecond early (Node rounds timer times).
      for (let wait = state.lastStart + state.delayMs - Date.now(); wait > 0 && !signal?.aborted; ) {
        await sleep(wait, signal);
        wait = state.lastStart + state.delayMs - Date.now();
      }
      state.lastStart = Date.now();
    });
    state.gate = mine;
    return mine;
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, lastStart: 0, gate: Promise.resolve(), delayMs: this.delayMs, waiters: [] };
      this.hosts.set(host, state);
    }
    return state;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
