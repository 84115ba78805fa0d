import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MagnaError, toMagnaError } from '../../src/core/errors.js';
import { configurationMarkdown, errorsMarkdown } from '../../src/core/reference-docs.js';

describe('error registry', () => {
  it('documents every code in docs/errors.md (regenerate with `npx tsx scripts/gen-docs.ts`)', () => {
    expect(readFileSync('docs/errors.md', 'utf8')).toBe(errorsMarkdown());
  });

  it('documents every option in docs/configuration.md', () => {
    expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configurationMarkdown());
  });

  it('gives every code an HTTP status, an exit code and a description', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(entry.http).toBeGreaterThanOrEqual(400);
      expect(entry.exit).toBeGreaterThan(0);
      expect(entry.doc.length).toBeGreaterThan(10);
    }
  });

  it('maps a full disk to STORE_FULL and keeps the cause', () => {
    const cause = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const error = toMagnaError(cause);
    expect(error.code).toBe('STORE_FULL');
    expect(error.cause).toBe(cause);
    expect(new MagnaError('NOT_FOUND', 'x').httpStatus).toBe(404);
  });
});
