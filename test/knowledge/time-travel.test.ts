import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { type TestKb, testKb } from './helpers.js';

let t: TestKb;
afterEach(() => t.close());

describe('time travel', () => {
  it('answers "what did we know then" (recorded time) separately from "what was true then" (valid time)', async () => {
    t = testKb();
    const ns = 'acme';
    const t0 = t.clock.now();
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: ns,
      subject: 'Acme Corp',
      predicate: 'ceo',
      object: 'Jane Smith',
      validFrom: '2020-01-01',
    });
    t.clock.advance(60_000);
    const t1 = t.clock.now();
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: ns,
      subject: 'Acme Corp',
      predicate: 'ceo',
      object: 'John Doe',
      validFrom: '2024-01-01',
    });
    t.clock.advance(60_000);
    const names = async (q: Parameters<typeof t.kb.facts>[1]) => {
      const facts = await t.kb.facts(SYSTEM_PRINCIPAL, { subject: 'Acme Corp', predicate: 'ceo', ...q });
      const out: string[] = [];
      for (const f of facts) out.push((await t.kb.entity(SYSTEM_PRINCIPAL, f.objectId!))!.entity.name);
      return out.sort();
    };
    // Before anything was recorded: nothing.
    expect(await names({ asOf: t0 - 1 })).toEqual([]);
    // As recorded at t0, Jane was CEO with no end, even when asking about 2025.
    expect(await names({ asOf: t0, validAt: '2025-06-01' })).toEqual(['Jane Smith']);
    // As recorded now, 2025 belongs to John and 2022 to Jane.
    expect(await names({ validAt: '2025-06-01' })).toEqual(['John Doe']);
    expect(await names({ validAt: '2022-06-01' })).toEqual(['Jane Smith']);
    expect(await names({ asOf: t1 })).toEqual(['Jane Smith', 'John Doe']);
    // Jane's record as known at t0 was open-ended; its successor is closed at 2024.
    const [janeThen] = await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'ceo', asOf: t0 });
    expect(janeThen?.validTo).toBeNull();
  });

  it('a revised document supersedes its facts; the old ones stay visible as of before the revision', async () => {
    t = testKb();
    const ns = 'acme';
    const v1 = await t.kb.putDocument(SYSTEM_PRINCIPAL, ns, {
      source: 'report',
      text: 'Acme Corp has 4,500 employees.',
    });
    const before = t.clock.now();
    t.clock.advance(1000);
    const v2 = await t.kb.putDocument(
      SYSTEM_PRINCIPAL,
      ns,
      { source: 'report', text: 'Acme Corp has 4,800 employees.' },
      { expectedVersion: 1 },
    );
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.documentId).toBe(v1.documentId);
    const now = await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees' });
    const then = await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees', asOf: before });
    expect(now.map((f) => f.value)).toEqual([4800]);
    expect(then.map((f) => f.value)).toEqual([4500]);
    // Search sees only the current text.
    const hits = await t.kb.search(SYSTEM_PRINCIPAL, 'employees', { mode: 'keyword' });
    expect(hits.map((h) => h.text)).toEqual(['Acme Corp has 4,800 employees.']);
  });

  it('rejects dates it cannot read with a coded error', async () => {
    t = testKb();
    await expect(t.kb.facts(SYSTEM_PRINCIPAL, { asOf: 'yesterday-ish' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
