import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * The one error class. Everything the project throws on purpose is a MagnaError with a stable
 * code; the edges (HTTP, CLI) map the code to a status or exit code in one place each.
 */
export class MagnaError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MagnaError';
    this.code = code;
    this.details = options?.details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isMagnaError(error: unknown, code?: ErrorCode): error is MagnaError {
  return error instanceof MagnaError && (code === undefined || error.code === code);
}

/** Wraps anything thrown into a MagnaError, keeping the original as the cause. */
export function toMagnaError(error: unknown, fallback: ErrorCode = 'INTERNAL'): MagnaError {
  if (error instanceof MagnaError) return error;
  const err = error as { code?: string; message?: string } | undefined;
  // The OS reports a full disk so; drivers' own codes are mapped in their adapters (store/*/errors.ts).
  if (err?.code === 'ENOSPC') {
    return new MagnaError('STORE_FULL', 'The disk is full; the write was rolled back.', { cause: error });
  }
  return new MagnaError(fallback, err?.message ?? String(error), { cause: error });
}

/** Turns zod issues into `{ path: message }` details, so callers see which field is wrong. */
export function issuesToDetails(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): {
  issues: Array<{ path: string; message: string }>;
} {
  return {
    issues: issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    })),
  };
}
