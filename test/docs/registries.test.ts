import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/error-codes.js';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** All of src/ but the registries themselves, as one text to search. */
const code = sources(join(ROOT, 'src'))
  .filter((path) => !path.endsWith('core/error-codes.ts') && !path.endsWith('core/events.ts'))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

const quoted = (name: string) => [`'${name}'`, `"${name}"`, `\`${name}\``].some((q) => code.includes(q));

/**
 * A registered error code or event that nothing produces is a promise the docs make and the code
 * does not keep (docs/errors.md lists every code). Each must be named somewhere in src/.
 */
describe('the registries', () => {
  it('every error code is produced somewhere', () => {
    expect(Object.keys(ERROR_CODES).filter((name) => !quoted(name))).toEqual([]);
  });

  it('every event is emitted somewhere', () => {
    const events = readFileSync(join(ROOT, 'src/core/events.ts'), 'utf8');
    const names = [...events.matchAll(/^ {2}'([a-z-]+:[a-z-]+)':/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !quoted(name))).toEqual([]);
  });
});
