import { type ErrorCode, MagnaError } from '../../core/errors.js';

/** SQLSTATE classes and codes that mean "the server cannot be reached or went away". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * node-postgres errors mapped to Magnatronic's codes, here in the adapter so nothing above the
 * store port knows PostgreSQL's SQLSTATEs. Anything unrecognised becomes `fallback`, cause kept.
 */
export function postgresError(error: unknown, fallback: ErrorCode = 'INTERNAL'): MagnaError {
  if (error instanceof MagnaError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  // 53100 disk_full, 53200 out_of_memory are "insufficient resources" the operator must fix.
  if (code === '53100') {
    return new MagnaError(
      'STORE_FULL',
      'The database server is out of disk space; the write was rolled back.',
      {
        cause: error,
      },
    );
  }
  // 08xxx connection exceptions, 57P01-03 shutdown/cannot connect now, 53300 too many connections,
  // and socket errors while the server restarts: nothing was committed, retrying later is safe.
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300' ||
    UNREACHABLE.has(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  ) {
    return new MagnaError('UNAVAILABLE', `The database cannot be reached: ${message}`, { cause: error });
  }
  // 40001 serialization_failure, 40P01 deadlock_detected: the transaction was rolled back whole.
  if (code === '40001' || code === '40P01') {
    return new MagnaError('UNAVAILABLE', `The database rolled the transaction back (${code}); retry.`, {
      cause: error,
    });
  }
  return new MagnaError(fallback, message, { cause: error });
}

/** Whether a PostgreSQL error is a unique-constraint violation (23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '23505';
}
