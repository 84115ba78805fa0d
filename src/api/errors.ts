import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';
import { isMagnaError, MagnaError } from '../core/errors.js';

/** Fastify's own 4xx errors (body parsing, limits) mapped onto the error registry. */
const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'AUTH_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * Turns anything a request can throw into a MagnaError: ours pass through; a Fastify error with
 * a 4xx status keeps its meaning under a registry code; anything else is INTERNAL and its message
 * is not shown to the caller (it is logged with the request id).
 */
export function toApiError(error: unknown, requestId: string): MagnaError {
  if (isMagnaError(error)) return error;
  const err = error as Partial<FastifyError> & { statusCode?: number };
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'INVALID_ARGUMENT';
    const message =
      code === 'INVALID_ARGUMENT' && err.code?.startsWith('FST_ERR_CTP')
        ? `Malformed request body: ${err.message}`
        : (err.message ?? code);
    return new MagnaError(code, message, { cause: error, details: err.code ? { reason: err.code } : {} });
  }
  return new MagnaError('INTERNAL', `Internal error; the server log has the cause (request ${requestId}).`, {
    cause: error,
    details: { requestId },
  });
}

/** The one error shape: `{ error: { code, message, details } }` with the code's HTTP status. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const magna = toApiError(error, request.id);
  const status = ERROR_CODES[magna.code].http;
  if (status >= 500) request.log.error({ err: (magna.cause as Error) ?? magna }, 'request failed');
  request.errorCode = magna.code;
  if (magna.code === 'AUTH_REQUIRED' || magna.code === 'AUTH_INVALID') {
    const basic = request.routeOptions?.config?.basicAuth === true;
    reply.header(
      'www-authenticate',
      basic ? 'Basic realm="magnatronic", charset="UTF-8"' : 'Bearer realm="magnatronic"',
    );
  }
  const retryAfter = (magna.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if (magna.code === 'RATE_LIMITED' && retryAfter !== undefined)
    reply.header('retry-after', String(retryAfter));
  return reply
    .code(status)
    .send({ error: { code: magna.code, message: magna.message, details: magna.details ?? {} } });
}
