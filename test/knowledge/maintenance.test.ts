import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { type TestKb, tableCounts, testKb } from './helpers.js';

let t: TestKb;
afterEach(() => t.close());

describe('maintenance', () => {
  it('finds duplicate entities and merges them reversibly', async () => {
    t = testKb();
    const kb = t.kb;
    const ns = 'acme';
    const a = await kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: ns,
      subject: 'Jonathan Smithson',
      subjectType: 'person',
      predicate: 'employer',
      object: 'Acme Corp',
    });
    await kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: ns,
      documents: [
        { source: 's', text: 'Jonathan Smithson works for Acme Corp. Jonathan Smithson married Ann Lee.' },
      ],
    });
    // A second spelling created without resolution (as an import or another tool might).
    const b = await kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: ns,
      subject: { id: (await kb.findEntities(SYSTEM_PRINCIPAL, { name: 'Acme Corp' }))[0]!.id },
      predicate: 'ceo',
      object: 'Jonathon Smithsen',
      objectType: 'thing',
    });
    const before = await kb.exportJsonLinesText(SYSTEM_PRINCIPAL);
    const countsBefore = tableCounts(t.db);
    const report = await kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['duplicates'], merge: true });
    expect(report.duplicates).toEqual([
      expect.objectContaining({
        survivor: 'Jonathan Smithson',
        duplicate: 'Jonathon Smithsen',
        mergeId: expect.any(String),
      }),
    ]);
    const merged = await kb.entity(SYSTEM_PRINCIPAL, 'Jonathon Smithsen');
    expect(merged?.entity.id).toBe(a.fact.subjectId);
    expect(merged?.entity.aliases).toContain('Jonathon Smithsen');
    expect(merged?.incoming.map((f) => f.id)).toContain(b.fact.id);
    await kb.unmerge(SYSTEM_PRINCIPAL, report.duplicates![0]!.mergeId!);
    // Undone exactly: everything but the merge log and the audit trail is as before.
    const after = (await kb.exportJsonLinesText(SYSTEM_PRINCIPAL))
      .split('\n')
      .filter((l) => !l.includes('"kind":"merge"'));
    const strip = (lines: string[]) =>
      lines.map((l) => l.replace(/"version":\d+,"createdAt"/, '"createdAt"'));
    expect(strip(after)).toEqual(strip(before.split('\n')));
    expect({ ...tableCounts(t.db), kb_merges: 0 }).toEqual({ ...countsBefore, kb_merges: 0 });
    await expect(kb.unmerge(SYSTEM_PRINCIPAL, report.duplicates![0]!.mergeId!)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('expires stale facts per predicate, keeping them for time travel', async () => {
    t = testKb();
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: 'acme',
      subject: 'Widget Pro',
      predicate: 'price',
      value: '$49',
    });
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: 'acme',
      subject: 'Acme Corp',
      predicate: 'founded_in',
      value: '1999',
    });
    const recorded = t.clock.now();
    t.clock.advance(31 * 24 * 3600_000); // price lives 30 days; founded_in never expires
    const report = await t.kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['expire'] });
    expect(report.expired).toEqual({ price: 1 });
    expect((await t.kb.facts(SYSTEM_PRINCIPAL, {})).map((f) => f.predicate)).toEqual(['founded_in']);
    expect((await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'price', asOf: recorded })).length).toBe(1);
  });

  it('the integrity check finds dangling references, and compaction drops long-superseded records', async () => {
    t = testKb();
    await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { source: 'r', text: 'Acme Corp has 10 employees.' });
    t.clock.advance(1000);
    await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { source: 'r', text: 'Acme Corp has 12 employees.' });
    expect((await t.kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['integrity'] })).integrity?.ok).toBe(true);
    t.db.pragma('foreign_keys = OFF');
    t.db
      .prepare(
        `INSERT INTO kb_mentions (chunk_id, entity_id, role, count) VALUES ('chk_missing', 'ent_missing', 'mention', 1)`,
      )
      .run();
    t.db.pragma('foreign_keys = ON');
    const broken = (await t.kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['integrity'] })).integrity!;
    expect(broken.ok).toBe(false);
    expect(broken.checks.find((c) => c.name === 'mentions of missing chunks')).toMatchObject({
      problems: 1,
      examples: ['chk_missing'],
    });
    t.db.prepare(`DELETE FROM kb_mentions WHERE chunk_id = 'chk_missing'`).run();
    t.clock.advance(31 * 24 * 3600_000);
    const compacted = await t.kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['compact', 'integrity'] });
    expect(compacted.compacted).toEqual({ chunks: 1, facts: 1 });
    expect(compacted.integrity?.ok).toBe(true);
    expect(
      (await t.kb.search(SYSTEM_PRINCIPAL, 'employees', { mode: 'keyword' })).map((h) => h.text),
    ).toEqual(['Acme Corp has 12 employees.']);
  });
});
