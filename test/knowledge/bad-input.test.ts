import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { ACME, type TestKb, tableCounts, testKb } from './helpers.js';

let t: TestKb;
let before: Record<string, number>;

beforeEach(async () => {
  t = testKb({ limits: { maxDocumentChars: 10_000 } });
  await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'acme', documents: [ACME] });
  before = tableCounts(t.db);
});
afterEach(() => t.close());

const expectUnchanged = () => expect(tableCounts(t.db)).toEqual(before);

describe('bad input gives coded errors and changes nothing', () => {
  it.each([
    ['not an array', { source: 'x', text: 'y' }],
    ['missing text', [{ source: 'x' }]],
    ['empty text', [{ source: 'x', text: '   ' }]],
    ['missing source', [{ text: 'Some text.' }]],
    ['text of the wrong type', [{ source: 'x', text: 42 }]],
    ['unknown field', [{ source: 'x', text: 'Text.', body: 'extra' }]],
    ['metadata not an object', [{ source: 'x', text: 'Text.', metadata: 'yes' }]],
  ])('malformed documents (%s) → KB_INVALID_DOCUMENT', async (_name, documents) => {
    await expect(t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'acme', documents })).rejects.toMatchObject({
      code: 'KB_INVALID_DOCUMENT',
    });
    expectUnchanged();
  });

  it('a batch with one bad document stores none of it', async () => {
    const documents = [
      { source: 'good-1', text: 'Globex Corp has 300 employees.' },
      { source: 'good-2', text: 'Initech has 80 employees.' },
      { source: 'bad', text: '' },
    ];
    const error = await t.kb
      .ingest(SYSTEM_PRINCIPAL, { namespace: 'acme', documents })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KB_INVALID_DOCUMENT',
      details: { issues: [expect.objectContaining({ path: '2.text' })] },
    });
    expectUnchanged();
  });

  it('huge documents → KB_INVALID_DOCUMENT naming the limit', async () => {
    const huge = 'All work and no play. '.repeat(1000);
    await expect(
      t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'acme', documents: [{ source: 'huge', text: huge }] }),
    ).rejects.toMatchObject({
      code: 'KB_INVALID_DOCUMENT',
      message: expect.stringContaining('10000'),
    });
    expectUnchanged();
  });

  it('a revision that fails leaves the stored version whole', async () => {
    await expect(
      t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { ...ACME, text: 'x'.repeat(20_000) }),
    ).rejects.toMatchObject({ code: 'KB_INVALID_DOCUMENT' });
    await expect(
      t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { ...ACME, text: 'New text.' }, { expectedVersion: 7 }),
    ).rejects.toMatchObject({
      code: 'KB_VERSION_CONFLICT',
    });
    expectUnchanged();
    const doc = await t.kb.document(SYSTEM_PRINCIPAL, ACME.source, 'acme');
    expect(doc).toMatchObject({ version: 1, text: ACME.text });
  });

  it.each([
    '',
    'Acme',
    'acme//x',
    '/acme',
    'acme/',
    'acme/Team',
    'acme/te am',
    'acme/_x',
    'a/b/c/d/e/f/g/h/i',
    'acme/%',
  ])('invalid namespace %j → KB_INVALID_NAMESPACE', async (namespace) => {
    await expect(
      t.kb.ingest(SYSTEM_PRINCIPAL, { namespace, documents: [{ source: 'x', text: 'Text.' }] }),
    ).rejects.toMatchObject({
      code: 'KB_INVALID_NAMESPACE',
    });
    await expect(t.kb.search(SYSTEM_PRINCIPAL, 'Acme', { namespaces: [namespace] })).rejects.toMatchObject({
      code: 'KB_INVALID_NAMESPACE',
    });
    expectUnchanged();
  });

  it('unknown predicates → KB_UNKNOWN_PREDICATE listing the known ones', async () => {
    const error = await t.kb
      .assertFact(SYSTEM_PRINCIPAL, {
        namespace: 'acme',
        subject: 'Acme Corp',
        predicate: 'favourite_colour',
        value: 'red',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KB_UNKNOWN_PREDICATE', message: expect.stringContaining('ceo') });
    await expect(t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'favourite_colour' })).rejects.toMatchObject({
      code: 'KB_UNKNOWN_PREDICATE',
    });
    expectUnchanged();
  });

  it('malformed facts → INVALID_ARGUMENT before anything is written', async () => {
    const base = { namespace: 'acme', subject: 'Acme Corp' };
    const bad: Array<Record<string, unknown>> = [
      { ...base, predicate: 'ceo', value: 'Jane' },
      { ...base, predicate: 'employees', object: 'Jane Smith' },
      { ...base, predicate: 'employees', value: 10, confidence: 2 },
      { ...base, predicate: 'employees', value: 10, validFrom: 'not a date' },
      { ...base, predicate: 'employees', value: 10, validFrom: '2024-01-01', validTo: '2023-01-01' },
      { ...base, subject: '', predicate: 'employees', value: 10 },
    ];
    for (const input of bad) {
      await expect(t.kb.assertFact(SYSTEM_PRINCIPAL, input as never)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
    expectUnchanged();
  });

  it('bad queries and bad imports are refused without side effects', async () => {
    await expect(t.kb.search(SYSTEM_PRINCIPAL, '   ')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.kb.search(SYSTEM_PRINCIPAL, 'x'.repeat(5000))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(t.kb.importJsonLines(SYSTEM_PRINCIPAL, 'not json')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const header = JSON.stringify({ kind: 'magnatronic-kb', version: 1 });
    await expect(
      t.kb.importJsonLines(SYSTEM_PRINCIPAL, `${header}\n{"kind":"document","data":{}}\n`),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      t.kb.importJsonLines(SYSTEM_PRINCIPAL, `${header}\n{"kind":"spaceship","data":{}}\n`),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expectUnchanged();
  });
});
