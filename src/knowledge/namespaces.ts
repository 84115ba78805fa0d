import { MagnaError } from '../core/errors.js';

/**
 * Namespaces are paths of one to eight lowercase segments: `acme`, `acme/research/q3-launch`.
 * The alphabet (a-z, 0-9, '-') keeps them safe inside SQL LIKE patterns and URLs; a grant on
 * a namespace covers everything below it.
 */
const SEGMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MAX_NAMESPACE_DEPTH = 8;
export const DEFAULT_NAMESPACE = 'default';

export function validateNamespace(namespace: unknown): string {
  if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 255) {
    throw invalid(namespace, 'must be a non-empty string of at most 255 characters');
  }
  const segments = namespace.split('/');
  if (segments.length > MAX_NAMESPACE_DEPTH)
    throw invalid(namespace, `has more than ${MAX_NAMESPACE_DEPTH} segments`);
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw invalid(
        namespace,
        'segments must be lowercase letters, digits or "-", starting with a letter or digit',
      );
    }
  }
  return namespace;
}

function invalid(namespace: unknown, why: string): MagnaError {
  return new MagnaError(
    'KB_INVALID_NAMESPACE',
    `Namespace ${JSON.stringify(namespace)} ${why} (e.g. "acme/research/q3").`,
    {
      details: { namespace },
    },
  );
}

/** True when `namespace` is `prefix` or lies below it. */
export function isWithin(namespace: string, prefix: string): boolean {
  return namespace === prefix || namespace.startsWith(`${prefix}/`);
}
