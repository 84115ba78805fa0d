import { MagnaError } from '../core/errors.js';

/**
 * Failed-authentication throttling, consulted before any key is checked (a check may cost one
 * scrypt, ~40 ms of CPU at N=2^14 on an idle core and 100–170 ms on a loaded one). Failures are
 * counted in fixed 60 s windows per client address and per presented key id; past the limit the
 * request is refused with 429 and Retry-After until the window ends, without touching scrypt.
 *
 * Limits: 20 failures per address and 20 per key id a minute. A person mistyping a key fails a
 * few times; a client hammering with wrong keys is cut off after 20 scrypt runs a minute, at most
 * ~3 s of CPU a minute per address on a loaded core.
 */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
export const AUTH_FAILURES_PER_WINDOW = 20;
/** Counters kept at most; past it the oldest window is dropped (a flood of addresses). */
const MAX_TRACKED = 10_000;

interface Window {
  start: number;
  failures: number;
}

export class AuthThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = AUTH_FAILURES_PER_WINDOW,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
  ) {}

  /** Throws RATE_LIMITED when the address or the key id has used up its failures this window. */
  check(ip: string, keyId: string | null): void {
    for (const key of keysOf(ip, keyId)) {
      const window = this.current(key);
      if (window && window.failures >= this.limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - this.now()) / 1000));
        throw new MagnaError(
          'RATE_LIMITED',
          `Too many failed authentications from this client; retry in ${retryAfterSeconds} s.`,
          { details: { limit: this.limit, windowSeconds: this.windowMs / 1000, retryAfterSeconds } },
        );
      }
    }
  }

  failed(ip: string, keyId: string | null): void {
    for (const key of keysOf(ip, keyId)) {
      const window = this.current(key);
      if (window) window.failures++;
      else {
        if (this.windows.size >= MAX_TRACKED) {
          const oldest = this.windows.keys().next().value;
          if (oldest !== undefined) this.windows.delete(oldest);
        }
        this.windows.set(key, { start: this.now(), failures: 1 });
      }
    }
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && this.now() - window.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}

function keysOf(ip: string, keyId: string | null): string[] {
  return keyId ? [`ip:${ip}`, `key:${keyId}`] : [`ip:${ip}`];
}

/** The key id a presented API key names (`mgk.<id>.<secret>`), if it has that shape. */
export function presentedKeyId(credential: string): string | null {
  return /^mgk\.(key_[0-9A-Z]{26})\./.exec(credential)?.[1] ?? null;
}
