import { MagnaError } from '../core/errors.js';
import type { Envelope } from './envelope.js';

interface PendingRequest {
  resolve(reply: Envelope): void;
  reject(error: MagnaError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** setTimeout fires at once past 2^31 - 1 ms; longer waits are refused rather than misfired. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Requests waiting for their reply, by request id: each settles once (reply, failure or timeout). */
export class PendingRequests {
  private readonly pending = new Map<string, PendingRequest>();

  /** Waits for the reply to `envelope`; rejects with BUS_TIMEOUT after `timeoutMs`. */
  wait(envelope: Envelope, timeoutMs: number): Promise<Envelope> {
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.id);
        reject(
          new MagnaError('BUS_TIMEOUT', `No reply from ${envelope.receiver} within ${timeoutMs} ms.`, {
            details: { messageId: envelope.id, timeoutMs },
          }),
        );
      }, timeoutMs);
      this.pending.set(envelope.id, { resolve, reject, timer });
    });
  }

  /** Settles the request this reply answers; false when none waits for it any more. */
  answer(reply: Envelope): boolean {
    const id = reply.inReplyTo;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (request === undefined || id === undefined) return false;
    this.pending.delete(id);
    clearTimeout(request.timer);
    request.resolve(reply);
    return true;
  }

  fail(id: string, error: unknown): void {
    const request = this.pending.get(id);
    if (request === undefined) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    request.reject(
      error instanceof MagnaError
        ? error
        : new MagnaError('UNAVAILABLE', String((error as Error)?.message ?? error), { cause: error }),
    );
  }

  failAll(error: MagnaError): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }
}
