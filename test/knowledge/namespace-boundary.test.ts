import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { namespaceAllowed, requireNamespace } from '../../src/security/permissions.js';
import { type TestKb, testKb } from './helpers.js';

/**
 * A namespace covers what lies below it, at a `/` boundary: a reader of `acme/team-a` reads
 * `acme/team-a/q3` but not `acme/team-ab`, whose name merely starts with the same letters.
 */
const SIBLING = 'acme/team-ab';
const reader: Principal = { id: 'key:reader', role: 'analyst' };
const limitedKey: Principal = { id: 'key:limited', role: 'analyst', namespaces: ['acme/team-a'] };
const teamAdmin: Principal = { id: 'key:team-admin', role: 'analyst' };
let t: TestKb;

beforeAll(async () => {
  t = testKb();
  await t.kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: 'acme/team-a/q3',
    documents: [{ source: 'inside', text: 'Zephyrine Corp opened an office in Lyon in 2024.' }],
  });
  await t.kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: SIBLING,
    documents: [{ source: 'sibling', text: 'Zephyrine Corp plans a secret merger with Oltrane in 2026.' }],
  });
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: reader.id, namespace: 'acme/team-a', role: 'reader' });
  // The limited key holds a grant on all of acme, but the key itself stops at acme/team-a.
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: limitedKey.id, namespace: 'acme', role: 'reader' });
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: teamAdmin.id, namespace: 'acme/team-a', role: 'admin' });
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: 'key:other', namespace: SIBLING, role: 'reader' });
});
afterAll(() => t.close());

describe('namespace boundaries', () => {
  it('a grant on acme/team-a reads below it but not acme/team-ab', async () => {
    for (const principal of [reader, limitedKey]) {
      const hits = await t.kb.search(principal, 'Zephyrine Corp', { mode: 'keyword' });
      expect(hits.map((h) => h.namespace)).toEqual(['acme/team-a/q3']);
      expect(await t.kb.document(principal, 'inside', 'acme/team-a/q3')).not.toBeNull();
      const sibling = await t.kb.document(principal, 'sibling', SIBLING).catch((error: unknown) => error);
      expect(sibling === null || (sibling as { code?: string }).code === 'KB_FORBIDDEN').toBe(true);
    }
  });

  it('an admin of acme/team-a lists grants below it but not those of acme/team-ab', async () => {
    const namespaces = (await t.kb.grants(teamAdmin)).map((g) => g.namespace);
    expect(namespaces).toContain('acme/team-a');
    expect(namespaces).not.toContain(SIBLING);
    await expect(
      t.kb.grant(teamAdmin, { principalId: 'key:x', namespace: SIBLING, role: 'reader' }),
    ).rejects.toMatchObject({ code: 'KB_FORBIDDEN' });
  });

  it("a key's namespace limit stops at the same boundary", () => {
    expect(namespaceAllowed(limitedKey, 'acme/team-a')).toBe(true);
    expect(namespaceAllowed(limitedKey, 'acme/team-a/q3')).toBe(true);
    expect(namespaceAllowed(limitedKey, SIBLING)).toBe(false);
    expect(namespaceAllowed(limitedKey, 'acme')).toBe(false);
    expect(() => requireNamespace(limitedKey, SIBLING)).toThrow(
      expect.objectContaining({ code: 'KB_FORBIDDEN' }),
    );
  });
});
