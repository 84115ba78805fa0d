import type { FastifyInstance } from 'fastify';
import { MagnaError } from '../core/errors.js';

/**
 * Refusals of hostile input before any route runs:
 * - path parameters holding NUL or other control characters (U+0000–U+001F, U+007F): no id,
 *   name or artifact path has them, and a NUL reaching the file system throws from Node itself;
 * - JSON bodies nested deeper than MAX_JSON_DEPTH: measured on the raw text before parsing, so
 *   a 5,000-level document never reaches JSON.parse or a recursive validator.
 */
export const MAX_JSON_DEPTH = 64;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Deepest nesting of arrays and objects in JSON text, counting only brackets outside strings. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function installHostileInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const params = request.params as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object') return;
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string' && hasControlCharacter(value)) {
        throw new MagnaError('INVALID_ARGUMENT', `Path parameter ${name} holds a control character.`, {
          details: { field: name },
        });
      }
    }
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(
        new MagnaError('INVALID_ARGUMENT', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`, {
          details: { maxDepth: MAX_JSON_DEPTH },
        }),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
}
