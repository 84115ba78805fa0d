import { type ErrorCode, MagnaError } from '../../core/errors.js';
import { CORRUPT_HINT } from './integrity.js';

/**
 * better-sqlite3's error codes mapped to Magnatronic's, here in the adapter so that nothing above
 * the store port knows SQLite's dialect. Anything unrecognised becomes `fallback`, cause kept.
 */
export function sqliteError(error: unknown, fallback: ErrorCode = 'INTERNAL'): MagnaError {
  if (error instanceof MagnaError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new MagnaError('STORE_FULL', 'The disk is full; the write was rolled back.', { cause: error });
  }
  // Another process held the write lock past busy_timeout: nothing was written, retrying is safe.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MagnaError('UNAVAILABLE', `The database is busy: ${message}`, { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new MagnaError('STORE_CORRUPT', `The database file is damaged: ${message}. ${CORRUPT_HINT}`, {
      cause: error,
    });
  }
  return new MagnaError(fallback, message, { cause: error });
}
