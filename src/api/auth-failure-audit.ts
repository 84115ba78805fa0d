import type { AuditLog } from '../security/audit.js';
import type { AuditOutcome } from '../security/store-port.js';
import { AUTH_FAILURE_WINDOW_MS } from './auth-throttle.js';

/**
 * Failed authentications are audited per client address and window, not per request, so a flood
 * of wrong keys cannot fill the disk: the first failure of a window is written as it happens
 * (with its path and status), the rest are counted and written as one summary row
 * (`auth.failures`, `details.count`) when the window ends or the server closes. At most two rows
 * per address per minute, whatever the request rate.
 */
interface Window {
  start: number;
  suppressed: number;
  timer?: NodeJS.Timeout;
}

export interface FailedRequest {
  ip: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  status: number;
  requestId: string;
  error?: string;
}

export class AuthFailureAudit {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly audit: AuditLog,
    private readonly onError: (error: unknown) => void,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one failure: written now if it opens a window, else counted for the summary. */
  async note(failure: FailedRequest): Promise<void> {
    const window = this.windows.get(failure.ip);
    if (window && this.now() - window.start < this.windowMs) {
      window.suppressed++;
      window.timer ??= setTimeout(
        () => void this.flush(failure.ip),
        Math.max(0, window.start + this.windowMs - this.now()),
      ).unref();
      return;
    }
    if (window) await this.flush(failure.ip);
    this.windows.set(failure.ip, { start: this.now(), suppressed: 0 });
    await this.write({
      actor: 'anonymous',
      role: null,
      action: failure.action,
      target: failure.target,
      ip: failure.ip,
      outcome: failure.outcome,
      status: failure.status,
      details: { requestId: failure.requestId, ...(failure.error ? { error: failure.error } : {}) },
    });
  }

  /** Writes every pending summary (the server is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((ip) => this.flush(ip)));
  }

  private async flush(ip: string): Promise<void> {
    const window = this.windows.get(ip);
    if (!window) return;
    this.windows.delete(ip);
    if (window.timer) clearTimeout(window.timer);
    if (window.suppressed === 0) return;
    await this.write({
      actor: 'anonymous',
      role: null,
      action: 'auth.failures',
      target: `failed authentications from ${ip}`,
      ip,
      outcome: 'auth-failed',
      status: null,
      details: {
        count: window.suppressed,
        windowStart: new Date(window.start).toISOString(),
        windowSeconds: this.windowMs / 1000,
      },
    });
  }

  private async write(entry: Parameters<AuditLog['record']>[0]): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (error) {
      this.onError(error);
    }
  }
}
