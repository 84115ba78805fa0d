import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { type TestKb, tempDir, testKb } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('optimistic concurrency', () => {
  it('two writers that read the same version: one wins, the other gets KB_VERSION_CONFLICT with the current version', async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, 'kb.db');
    // Two knowledge bases on two connections to one file: two processes in miniature.
    const a: TestKb = testKb({ path });
    const b: TestKb = testKb({ path });
    cleanups.push(() => {
      a.close();
      b.close();
      tmp.remove();
    });
    const created = await a.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', {
      source: 'plan',
      text: 'The plan has one step.',
    });
    const readByA = await a.kb.document(SYSTEM_PRINCIPAL, 'plan', 'acme');
    const readByB = await b.kb.document(SYSTEM_PRINCIPAL, 'plan', 'acme');
    expect([readByA?.version, readByB?.version]).toEqual([1, 1]);
    const results = await Promise.allSettled([
      a.kb.putDocument(
        SYSTEM_PRINCIPAL,
        'acme',
        { source: 'plan', text: 'The plan has two steps.' },
        { expectedVersion: readByA!.version },
      ),
      b.kb.putDocument(
        SYSTEM_PRINCIPAL,
        'acme',
        { source: 'plan', text: 'The plan has three steps.' },
        { expectedVersion: readByB!.version },
      ),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = lost[0]!.reason;
    expect(isMagnaError(error, 'KB_VERSION_CONFLICT')).toBe(true);
    expect(error.details).toMatchObject({
      currentVersion: 2,
      expectedVersion: 1,
      documentId: created.documentId,
    });
    // The winner's text is stored; the loser wrote nothing.
    const stored = await a.kb.document(SYSTEM_PRINCIPAL, 'plan', 'acme');
    expect(stored?.version).toBe(2);
    const winnerText =
      results[0]!.status === 'fulfilled' ? 'The plan has two steps.' : 'The plan has three steps.';
    expect(stored?.text).toBe(winnerText);
    const chunks = a.db.prepare('SELECT text FROM kb_chunks WHERE superseded_at IS NULL').all() as Array<{
      text: string;
    }>;
    expect(chunks.map((c) => c.text)).toEqual([winnerText]);
    // Re-reading and retrying succeeds.
    const retry = await b.kb.putDocument(
      SYSTEM_PRINCIPAL,
      'acme',
      { source: 'plan', text: 'The plan has three steps.' },
      { expectedVersion: 2 },
    );
    expect(retry.version).toBe(3);
  });

  it('a batch is atomic: one stale version stores none of the batch', async () => {
    const t = testKb();
    cleanups.push(() => t.close());
    await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { source: 'old', text: 'Old text.' });
    const error = await t.kb
      .ingest(SYSTEM_PRINCIPAL, {
        namespace: 'acme',
        documents: [
          { source: 'new', text: 'Brand new text.' },
          { source: 'old', text: 'Revised text.' },
        ],
        expectedVersions: { old: 5 },
      })
      .catch((e: unknown) => e);
    expect(isMagnaError(error, 'KB_VERSION_CONFLICT')).toBe(true);
    expect(await t.kb.document(SYSTEM_PRINCIPAL, 'new', 'acme')).toBeNull();
    expect((await t.kb.document(SYSTEM_PRINCIPAL, 'old', 'acme'))?.text).toBe('Old text.');
  });

  it('expectedVersion 0 means "create only"', async () => {
    const t = testKb();
    cleanups.push(() => t.close());
    await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { source: 'x', text: 'First.' }, { expectedVersion: 0 });
    await expect(
      t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', { source: 'x', text: 'Second.' }, { expectedVersion: 0 }),
    ).rejects.toMatchObject({
      code: 'KB_VERSION_CONFLICT',
      details: { currentVersion: 1 },
    });
  });

  it('the same content twice is one write (idempotent by content hash)', async () => {
    const t = testKb();
    cleanups.push(() => t.close());
    const first = await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', {
      source: 'x',
      text: 'Acme Corp has 4,500 employees.',
    });
    const audits = (await t.kb.audit(SYSTEM_PRINCIPAL)).length;
    const second = await t.kb.putDocument(SYSTEM_PRINCIPAL, 'acme', {
      source: 'x',
      text: 'Acme Corp has 4,500 employees.',
    });
    expect(second).toMatchObject({
      documentId: first.documentId,
      version: 1,
      created: false,
      unchanged: true,
    });
    expect((await t.kb.audit(SYSTEM_PRINCIPAL)).length).toBe(audits);
    expect(await t.kb.facts(SYSTEM_PRINCIPAL, { predicate: 'employees' })).toHaveLength(1);
  });
});
