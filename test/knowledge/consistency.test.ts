import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../src/core/events.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { type TestKb, testKb } from './helpers.js';

const ns = 'acme/research';
let t: TestKb;
let conflicts: Array<EventMap['kb:conflict']>;

beforeEach(() => {
  t = testKb();
  conflicts = [];
  t.events.on('kb:conflict', (c) => conflicts.push(c));
});
afterEach(() => t.close());

const assert = (input: Record<string, unknown>) =>
  t.kb.assertFact(SYSTEM_PRINCIPAL, { namespace: ns, subject: 'Acme Corp', ...input } as Parameters<
    typeof t.kb.assertFact
  >[1]);

describe('consistency rules', () => {
  it('cardinality many keeps every value without a conflict', async () => {
    await assert({ predicate: 'acquired', object: 'Widget Inc', subjectType: 'organization' });
    const r = await assert({ predicate: 'acquired', object: 'Gadget Ltd' });
    expect(r.conflicts).toEqual([]);
    const facts = await t.kb.facts(SYSTEM_PRINCIPAL, { subject: 'Acme Corp', predicate: 'acquired' });
    expect(facts.map((f) => f.status)).toEqual(['active', 'active']);
    expect(conflicts).toEqual([]);
  });

  it('supersede (temporal): a newer valid time closes the old value, which stays as history', async () => {
    const first = await assert({ predicate: 'ceo', object: 'Jane Smith', validFrom: '2020-01-01' });
    t.clock.advance(1000);
    const second = await assert({ predicate: 'ceo', object: 'John Doe', validFrom: '2024-01-01' });
    expect(second.conflicts).toHaveLength(1);
    expect(second.conflicts[0]).toMatchObject({
      resolution: 'superseded-existing',
      policy: 'supersede',
      existingFactIds: [first.fact.id],
    });
    expect(conflicts).toEqual([
      expect.objectContaining({
        conflictId: second.conflicts[0]!.id,
        predicate: 'ceo',
        policy: 'supersede',
        writer: 'system',
      }),
    ]);
    const current = await t.kb.facts(SYSTEM_PRINCIPAL, { subject: 'Acme Corp', predicate: 'ceo' });
    expect(current).toHaveLength(2);
    const jane = current.find((f) => f.replaces === first.fact.id)!;
    expect(jane.validTo).toBe(Date.UTC(2024, 0, 1));
    const in2022 = await t.kb.facts(SYSTEM_PRINCIPAL, {
      subject: 'Acme Corp',
      predicate: 'ceo',
      validAt: '2022-06-01',
    });
    const in2025 = await t.kb.facts(SYSTEM_PRINCIPAL, {
      subject: 'Acme Corp',
      predicate: 'ceo',
      validAt: '2025-06-01',
    });
    expect(in2022.map((f) => f.objectId)).toEqual([first.fact.objectId]);
    expect(in2025.map((f) => f.objectId)).toEqual([second.fact.objectId]);
  });

  it('supersede (temporal): a late report of an older state becomes history ending where the current one starts', async () => {
    await assert({ predicate: 'employees', value: 5000, validFrom: '2023-01-01' });
    const late = await assert({ predicate: 'employees', value: 4500, validFrom: '2021-01-01' });
    expect(late.conflicts[0]?.resolution).toBe('historical');
    expect(late.fact).toMatchObject({
      status: 'active',
      validFrom: Date.UTC(2021, 0, 1),
      validTo: Date.UTC(2023, 0, 1),
    });
    const now = await t.kb.facts(SYSTEM_PRINCIPAL, {
      subject: 'Acme Corp',
      predicate: 'employees',
      validAt: '2024-01-01',
    });
    expect(now.map((f) => f.value)).toEqual([5000]);
  });

  it('supersede (not temporal) replaces the value as a correction', async () => {
    await t.kb.registerPredicate(SYSTEM_PRINCIPAL, {
      name: 'ticker',
      cardinality: 'one',
      temporal: false,
      policy: 'supersede',
      objectKind: 'value',
      valueType: 'string',
    });
    const a = await assert({ predicate: 'ticker', value: 'ACM' });
    const b = await assert({ predicate: 'ticker', value: 'ACME' });
    expect(b.conflicts[0]).toMatchObject({ resolution: 'replaced-existing', existingFactIds: [a.fact.id] });
    const current = await t.kb.facts(SYSTEM_PRINCIPAL, { subject: 'Acme Corp', predicate: 'ticker' });
    expect(current.map((f) => f.value)).toEqual(['ACME']);
  });

  it('highest-confidence keeps the stronger value and records the weaker one as rejected', async () => {
    const strong = await assert({ predicate: 'founded_in', value: '1999', confidence: 0.9 });
    const weak = await assert({ predicate: 'founded_in', value: '2001', confidence: 0.5 });
    expect(weak.fact.status).toBe('rejected');
    expect(weak.conflicts[0]).toMatchObject({
      resolution: 'kept-existing',
      existingFactIds: [strong.fact.id],
    });
    // More trusted source wins: confidence x trust 0.95 > 0.9.
    const trusted = await assert({ predicate: 'founded_in', value: '1998', confidence: 0.95, trust: 1 });
    expect(trusted.fact.status).toBe('active');
    expect(trusted.conflicts[0]?.resolution).toBe('replaced-existing');
    const all = await t.kb.facts(SYSTEM_PRINCIPAL, {
      subject: 'Acme Corp',
      predicate: 'founded_in',
      status: ['active', 'rejected', 'disputed'],
    });
    expect(all.map((f) => [f.value, f.status]).sort()).toEqual([
      ['1998', 'active'],
      ['1999', 'rejected'],
      ['2001', 'rejected'],
    ]);
    expect(conflicts).toHaveLength(2);
  });

  it('a tie keeps the current value (the incoming one is rejected, not dropped)', async () => {
    await assert({ predicate: 'founded_in', value: '1999', confidence: 0.8 });
    const tie = await assert({ predicate: 'founded_in', value: '2000', confidence: 0.8 });
    expect(tie.fact.status).toBe('rejected');
  });

  it('disputed marks both values disputed until a curator resolves the conflict', async () => {
    const a = await assert({ predicate: 'birthplace', subject: 'Jane Smith', object: 'Berlin' });
    const b = await assert({ predicate: 'birthplace', subject: 'Jane Smith', object: 'Munich' });
    expect(b.fact.status).toBe('disputed');
    expect(b.conflicts[0]).toMatchObject({ resolution: 'disputed', existingFactIds: [a.fact.id] });
    const current = await t.kb.facts(SYSTEM_PRINCIPAL, { subject: 'Jane Smith', predicate: 'birthplace' });
    expect(current.map((f) => f.status)).toEqual(['disputed', 'disputed']);
    const open = await t.kb.conflicts(SYSTEM_PRINCIPAL, { open: true });
    expect(open.map((c) => c.id)).toEqual([b.conflicts[0]!.id]);
    await t.kb.resolveConflict(SYSTEM_PRINCIPAL, b.conflicts[0]!.id, a.fact.id);
    const after = await t.kb.facts(SYSTEM_PRINCIPAL, {
      subject: 'Jane Smith',
      predicate: 'birthplace',
      status: ['active', 'rejected', 'disputed'],
    });
    expect(after.map((f) => f.status).sort()).toEqual(['active', 'rejected']);
    expect(await t.kb.conflicts(SYSTEM_PRINCIPAL, { open: true })).toEqual([]);
  });

  it('the same value again corroborates without a conflict', async () => {
    await assert({ predicate: 'headquarters', object: 'Berlin' });
    const again = await assert({ predicate: 'headquarters', object: 'Berlin', source: 'another report' });
    expect(again.created).toBe(true);
    expect(again.conflicts).toEqual([]);
  });

  it('writes are idempotent by content hash', async () => {
    const a = await assert({ predicate: 'employees', value: 4500, source: 'annual report' });
    const b = await assert({ predicate: 'employees', value: 4500, source: 'annual report' });
    expect(b.created).toBe(false);
    expect(b.fact.id).toBe(a.fact.id);
    expect(await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees' })).toHaveLength(1);
  });

  it('every write is attributed and audited', async () => {
    const r = await assert({ predicate: 'employees', value: 4500 });
    expect(r.fact.assertedBy).toBe('system');
    const audit = await t.kb.audit(SYSTEM_PRINCIPAL, { namespace: ns });
    expect(audit.map((a) => [a.action, a.actor, a.target])).toContainEqual([
      'fact.assert',
      'system',
      r.fact.id,
    ]);
  });

  it('retracting ends the record, which stays visible to time travel', async () => {
    const r = await assert({ predicate: 'employees', value: 4500 });
    const before = t.clock.now();
    t.clock.advance(10);
    await t.kb.retractFact(SYSTEM_PRINCIPAL, r.fact.id);
    expect(await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees' })).toEqual([]);
    expect(
      (await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees', asOf: before })).map((f) => f.id),
    ).toEqual([r.fact.id]);
    await expect(t.kb.retractFact(SYSTEM_PRINCIPAL, r.fact.id)).rejects.toMatchObject({
      code: 'KB_VERSION_CONFLICT',
    });
  });

  it('conflicts raised while ingesting reach the writer in the result and as events', async () => {
    const first = await t.kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: ns,
      documents: [{ source: 'a', text: 'Acme Corp has 4,500 employees as of 2021.' }],
    });
    expect(first.conflicts).toEqual([]);
    const second = await t.kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: ns,
      documents: [{ source: 'b', text: 'Acme Corp has 5,200 employees as of 2024.' }],
    });
    expect(second.counts.conflicts).toBe(1);
    expect(second.conflicts[0]).toMatchObject({ predicate: 'employees', resolution: 'superseded-existing' });
    expect(conflicts.map((c) => c.conflictId)).toEqual([second.conflicts[0]!.id]);
  });
});
