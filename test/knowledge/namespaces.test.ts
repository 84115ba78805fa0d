import { describe, expect, it } from 'vitest';
import { isWithin, MAX_NAMESPACE_DEPTH, validateNamespace } from '../../src/knowledge/namespaces.js';

const refusal = (value: unknown) => {
  try {
    validateNamespace(value);
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
};

describe('namespace names', () => {
  it('accepts lowercase paths up to 255 characters and 8 segments', () => {
    for (const ok of ['a', 'acme', 'acme/research/q3-launch', '0x/1-2', 'a'.repeat(63)])
      expect(validateNamespace(ok)).toBe(ok);
    const eight = Array.from({ length: MAX_NAMESPACE_DEPTH }, (_, i) => `s${i}`).join('/');
    expect(validateNamespace(eight)).toBe(eight);
    // 255 characters exactly: four 63-character segments and three slashes.
    const longest = Array.from({ length: 4 }, () => 'a'.repeat(63)).join('/');
    expect(longest).toHaveLength(255);
    expect(validateNamespace(longest)).toBe(longest);
  });

  it('refuses anything else with KB_INVALID_NAMESPACE, saying why and giving an example', () => {
    const nine = Array.from({ length: MAX_NAMESPACE_DEPTH + 1 }, (_, i) => `s${i}`).join('/');
    const cases: Array<[unknown, RegExp]> = [
      ['', /non-empty string of at most 255 characters/],
      [42, /non-empty string/],
      [null, /non-empty string/],
      [`${'a'.repeat(63)}/`.repeat(4).slice(0, 256), /at most 255 characters/],
      [nine, /has more than 8 segments/],
      ['Acme', /lowercase letters, digits or "-"/],
      ['acme//x', /lowercase letters/],
      ['-acme', /starting with a letter or digit/],
      ['acme/team a', /lowercase letters/],
      ['a'.repeat(64), /lowercase letters/],
    ];
    for (const [value, why] of cases) {
      const error = refusal(value);
      expect(error.code, String(value)).toBe('KB_INVALID_NAMESPACE');
      expect(error.message, String(value)).toMatch(why);
      expect(error.message).toContain('(e.g. "acme/research/q3")');
      expect(error.details).toEqual({ namespace: value });
    }
  });

  it('places a namespace within a prefix only at a / boundary', () => {
    expect(isWithin('acme', 'acme')).toBe(true);
    expect(isWithin('acme/team-a', 'acme')).toBe(true);
    expect(isWithin('acme/team-a/q3', 'acme/team-a')).toBe(true);
    expect(isWithin('acme/team-ab', 'acme/team-a')).toBe(false);
    expect(isWithin('acme', 'acme/team-a')).toBe(false);
    expect(isWithin('acmex', 'acme')).toBe(false);
  });
});
