import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { ntLiteral } from '../../src/knowledge/exchange.js';
import { ACME, type TestKb, tableCounts, testKb } from './helpers.js';

const open: TestKb[] = [];
const make = () => {
  const t = testKb();
  open.push(t);
  return t;
};
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

/** A base with every kind of record: revisions, conflicts, a merge, a custom predicate. */
async function populated(): Promise<TestKb> {
  const t = make();
  const kb = t.kb;
  await kb.registerPredicate(SYSTEM_PRINCIPAL, {
    name: 'motto',
    cardinality: 'one',
    temporal: false,
    policy: 'disputed',
    objectKind: 'value',
    valueType: 'string',
  });
  await kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: 'acme/a',
    documents: [
      ACME,
      {
        source: 'b',
        title: 'Widget Inc',
        text: 'Widget Inc was founded in 1999. Widget Inc has 120 employees.',
      },
    ],
  });
  t.clock.advance(1000);
  await kb.putDocument(SYSTEM_PRINCIPAL, 'acme/a', {
    source: 'b',
    title: 'Widget Inc',
    text: 'Widget Inc was founded in 1999. Widget Inc has 150 employees as of 2024.',
  });
  await kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: 'acme/b',
    documents: [
      {
        source: 'c',
        text: 'Globex is headquartered in Springfield. "Quoted" text with a \\ backslash and a tab\there.',
      },
    ],
  });
  await kb.assertFact(SYSTEM_PRINCIPAL, {
    namespace: 'acme/a',
    subject: 'Acme Corp',
    predicate: 'motto',
    value: 'Make "things"\nwork',
  });
  await kb.assertFact(SYSTEM_PRINCIPAL, {
    namespace: 'acme/a',
    subject: 'Acme Corp',
    predicate: 'motto',
    value: 'Other motto',
  });
  const jane = (await kb.findEntities(SYSTEM_PRINCIPAL, { name: 'Jane Smith' }))[0]!;
  const dup = await kb.assertFact(SYSTEM_PRINCIPAL, {
    namespace: 'acme/a',
    subject: 'J. Smith',
    subjectType: 'person',
    predicate: 'employer',
    object: 'Acme Corp',
  });
  await kb.merge(SYSTEM_PRINCIPAL, jane.id, dup.fact.subjectId);
  return t;
}

describe('export and import', () => {
  it('JSON Lines round trip gives an identical knowledge base', async () => {
    const source = await populated();
    const exported = await source.kb.exportJsonLinesText(SYSTEM_PRINCIPAL);
    const kinds = new Set(
      exported
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    );
    expect([...kinds].sort()).toEqual([
      'chunk',
      'conflict',
      'document',
      'entity',
      'fact',
      'mention',
      'merge',
      'predicate',
    ]);
    const target = make();
    const counts = await target.kb.importJsonLines(SYSTEM_PRINCIPAL, exported);
    expect(counts.document).toBe(3);
    expect(await target.kb.exportJsonLinesText(SYSTEM_PRINCIPAL)).toBe(exported);
    expect(tableCounts(target.db)).toEqual({ ...tableCounts(source.db), kb_grants: 0 });
    // The imported base works: search, answers and time travel see the same things.
    const q = 'How many employees does Widget Inc have?';
    expect((await target.kb.answer(SYSTEM_PRINCIPAL, q)).answer).toBe(
      (await source.kb.answer(SYSTEM_PRINCIPAL, q)).answer,
    );
    // Importing again changes nothing.
    const again = await target.kb.importJsonLines(SYSTEM_PRINCIPAL, exported);
    expect(Object.keys(again)).toEqual(['skipped']);
    expect(await target.kb.exportJsonLinesText(SYSTEM_PRINCIPAL)).toBe(exported);
  });

  it('an import needs writer rights on every namespace it touches, and is all or nothing', async () => {
    const source = await populated();
    const exported = await source.kb.exportJsonLinesText(SYSTEM_PRINCIPAL);
    const target = make();
    await target.kb.grant(SYSTEM_PRINCIPAL, { principalId: 'key:w', namespace: 'acme/a', role: 'writer' });
    const before = tableCounts(target.db);
    await expect(target.kb.importJsonLines({ id: 'key:w', role: 'analyst' }, exported)).rejects.toMatchObject(
      { code: 'KB_FORBIDDEN' },
    );
    expect(tableCounts(target.db)).toEqual(before);
  });

  it('N-Triples: one well-formed triple per line, literals escaped, typed values', async () => {
    const t = await populated();
    const nt = await t.kb.exportNTriples(SYSTEM_PRINCIPAL);
    const iri = '<[^<>"{}|^`\\\\\\s]+>';
    const literal = `"(?:[^"\\\\\\n\\r]|\\\\["\\\\nrtbf]|\\\\u[0-9A-F]{4})*"(?:\\^\\^${iri}|@[a-z-]+)?`;
    const triple = new RegExp(`^${iri} ${iri} (?:${iri}|${literal}) \\.$`);
    const lines = nt.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(triple);
    expect(nt).toContain('<http://www.w3.org/2000/01/rdf-schema#label> "Acme Corp" .');
    expect(nt).toMatch(
      /<urn:magnatronic:kb:predicate\/employees> "150"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#integer> \./,
    );
    expect(nt).toContain('"Make \\"things\\"\\nwork"');
    // Superseded and rejected facts are not in the graph view.
    expect(nt).not.toContain('"120"');
    expect(ntLiteral('tab\there\u0001')).toBe('"tab\\u0009here\\u0001"');
  });
});
