import { isMagnaError } from './errors.js';

export interface RetryOptions {
  /** Give up (rethrow the last UNAVAILABLE) once this much time has passed; default 60 s. */
  maxMs?: number;
  /** First delay; doubles each try up to maxDelayMs. Defaults 10 ms and 1 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait, to log the contention. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * Runs `work` again while it fails with UNAVAILABLE (the store was busy: another process held the
 * write lock past the busy timeout, so nothing was written). Waits grow exponentially with full
 * jitter, so processes that collided once do not collide again in lockstep. Only for work that is
 * safe to repeat: every settlement is fenced by its lease, so a repeat can never apply twice.
 */
export async function retryUnavailable<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const base = options.baseDelayMs ?? 10;
  const cap = options.maxDelayMs ?? 1_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isMagnaError(error, 'UNAVAILABLE') || Date.now() >= deadline) throw error;
      const delayMs = Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
