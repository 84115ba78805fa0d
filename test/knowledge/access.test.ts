import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { type TestKb, testKb } from './helpers.js';

/**
 * Two teams share one knowledge base. Everything that names team B's secret project ("Nightjar",
 * "Quillon Labs", "Orvasse") must stay invisible to a reader of team A, through every path.
 */
const SECRET = /nightjar|quillon|orvasse/i;
const alice: Principal = { id: 'key:alice', role: 'analyst' };
const bob: Principal = { id: 'key:bob', role: 'analyst' };
let t: TestKb;
let bChunk: string;

beforeAll(async () => {
  t = testKb();
  await t.kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: 'acme/team-a',
    documents: [
      {
        source: 'a1',
        title: 'Acme Corp',
        text: 'Acme Corp acquired Widget Inc. in 2021. Jane Smith is the CEO of Acme Corp. Acme Corp has 4,500 employees.',
      },
      {
        source: 'a2',
        title: 'Widget Inc',
        text: 'Widget Inc was founded in 1999 in Berlin. Widget Inc is headquartered in Berlin.',
      },
    ],
  });
  const b = await t.kb.ingest(SYSTEM_PRINCIPAL, {
    namespace: 'acme/team-b',
    documents: [
      {
        source: 'b1',
        title: 'Project Nightjar',
        text: 'Project Nightjar is a secret plan by Acme Corp. Acme Corp acquired Quillon Labs in 2025. Orvasse Smith is the CEO of Quillon Labs. Acme Corp has 9,000 employees.',
      },
    ],
  });
  bChunk = (await t.kb.search(SYSTEM_PRINCIPAL, 'Nightjar', { mode: 'keyword' }))[0]!.chunkId;
  expect(b.counts.documents).toBe(1);
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: alice.id, namespace: 'acme/team-a', role: 'reader' });
  await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: bob.id, namespace: 'acme', role: 'writer' });
});
afterAll(() => t.close());

describe('access control inside the query layer', () => {
  it('search (keyword and hybrid) returns only readable passages', async () => {
    for (const mode of ['keyword', 'hybrid'] as const) {
      const hits = await t.kb.search(alice, 'Acme Corp acquired Quillon Labs Nightjar employees', { mode });
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.namespace === 'acme/team-a')).toBe(true);
      expect(hits.some((h) => SECRET.test(h.text))).toBe(false);
    }
    const bobHits = await t.kb.search(bob, 'Nightjar', { mode: 'keyword' });
    expect(bobHits.map((h) => h.namespace)).toEqual(['acme/team-b']);
  });

  it('asking for a namespace one may not read narrows to nothing rather than widening', async () => {
    expect(await t.kb.search(alice, 'Nightjar', { namespaces: ['acme/team-b'] })).toEqual([]);
    expect(await t.kb.search(alice, 'Nightjar', { namespaces: ['acme'] })).toEqual([]);
  });

  it('entity lookups, facts and graph walks never reach the other namespace', async () => {
    expect(await t.kb.entity(alice, 'Quillon Labs')).toBeNull();
    expect(await t.kb.findEntities(alice, { name: 'Orvasse' })).toEqual([]);
    const acme = await t.kb.entity(alice, 'Acme Corp');
    expect(acme?.entity.namespace).toBe('acme/team-a');
    const facts = await t.kb.facts(alice, {});
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.every((f) => f.namespace === 'acme/team-a')).toBe(true);
    const walk = await t.kb.neighbourhood(alice, 'Acme Corp', { hops: 3 });
    expect(walk?.nodes.length).toBeGreaterThan(1);
    expect(walk?.nodes.some((n) => SECRET.test(n.name) || n.namespace !== 'acme/team-a')).toBe(false);
    // Bob reads both teams, and his walk from team B's Acme reaches Quillon Labs.
    const bobWalk = await t.kb.neighbourhood(bob, 'Acme Corp', { hops: 2, namespace: 'acme/team-b' });
    expect(bobWalk?.nodes.some((n) => /Quillon/.test(n.name))).toBe(true);
  });

  it('answers cite only readable passages; what is only in the other namespace is "not found"', async () => {
    const secret = await t.kb.answer(alice, 'Who is the CEO of Quillon Labs?');
    expect(secret.found).toBe(false);
    expect(JSON.stringify({ ...secret, question: '' })).not.toMatch(SECRET);
    const open = await t.kb.answer(alice, 'How many employees does Acme Corp have?');
    expect(open.found).toBe(true);
    expect(open.answer).toContain('4,500');
    expect(open.label).toEqual(['acme/team-a']);
    const bobs = await t.kb.answer(bob, 'Who is the CEO of Quillon Labs?');
    expect(bobs.found).toBe(true);
    expect(bobs.answer).toContain('Orvasse Smith');
  });

  it('exports (JSON Lines and N-Triples) contain only readable records', async () => {
    const jsonl = await t.kb.exportJsonLinesText(alice);
    const nt = await t.kb.exportNTriples(alice);
    expect(jsonl).toContain('Acme Corp');
    expect(jsonl).not.toMatch(SECRET);
    expect(nt).toContain('Acme Corp');
    expect(nt).not.toMatch(SECRET);
    expect(await t.kb.exportJsonLinesText(bob)).toMatch(SECRET);
  });

  it('a derived fact carries the strictest label of its sources', async () => {
    const aChunk = (await t.kb.search(SYSTEM_PRINCIPAL, 'Widget founded Berlin', { mode: 'keyword' }))[0]!
      .chunkId;
    // Written into team A, but derived from a team-B chunk too: only readers of both may see it.
    const derived = await t.kb.assertFact(bob, {
      namespace: 'acme/team-a',
      subject: 'Widget Inc',
      predicate: 'owned_by',
      object: 'Acme Corp',
      chunkIds: [aChunk, bChunk],
    });
    expect(derived.fact.label).toEqual(['acme/team-a', 'acme/team-b']);
    expect((await t.kb.facts(alice, { predicate: 'owned_by' })).length).toBe(0);
    expect((await t.kb.facts(bob, { predicate: 'owned_by' })).length).toBe(1);
    expect(await t.kb.exportJsonLinesText(alice)).not.toContain(derived.fact.id);
    // Alice cannot launder what she cannot read: citing an unreadable chunk fails.
    await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: alice.id, namespace: 'acme/team-a', role: 'writer' });
    await expect(
      t.kb.assertFact(alice, {
        namespace: 'acme/team-a',
        subject: 'Widget Inc',
        predicate: 'owned_by',
        object: 'Acme Corp',
        chunkIds: [bChunk],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await t.kb.grant(SYSTEM_PRINCIPAL, { principalId: alice.id, namespace: 'acme/team-a', role: 'reader' });
  });

  it('roles gate writes and administration; grants cover the namespace and everything below', async () => {
    await expect(
      t.kb.ingest(alice, { namespace: 'acme/team-a', documents: [{ source: 'x', text: 'Text.' }] }),
    ).rejects.toMatchObject({ code: 'KB_FORBIDDEN' });
    await expect(
      t.kb.grant(alice, { principalId: alice.id, namespace: 'acme/team-a', role: 'admin' }),
    ).rejects.toMatchObject({ code: 'KB_FORBIDDEN' });
    // Bob's writer grant on "acme" covers a new sub-namespace.
    const r = await t.kb.ingest(bob, {
      namespace: 'acme/team-c/notes',
      documents: [{ source: 'c1', text: 'Team C notes.' }],
    });
    expect(r.counts.created).toBe(1);
    await expect(
      t.kb.ingest(bob, { namespace: 'globex', documents: [{ source: 'g', text: 'Other org.' }] }),
    ).rejects.toMatchObject({ code: 'KB_FORBIDDEN' });
    await expect(t.kb.maintain(bob, { tasks: ['duplicates'] })).rejects.toMatchObject({
      code: 'KB_FORBIDDEN',
    });
  });

  it('a principal limited to some namespaces keeps only that part of its grants', async () => {
    const limited: Principal = { id: bob.id, role: 'analyst', namespaces: ['acme/team-a'] };
    const hits = await t.kb.search(limited, 'Acme Corp Nightjar', { mode: 'keyword' });
    expect(hits.every((h) => h.namespace === 'acme/team-a')).toBe(true);
    const agent: Principal = { id: 'agent:research', role: 'agent', namespaces: ['acme/team-b'] };
    expect(
      (await t.kb.search(agent, 'Acme', { mode: 'keyword' })).every((h) => h.namespace === 'acme/team-b'),
    ).toBe(true);
  });

  it('a principal with no grants sees nothing at all', async () => {
    const nobody: Principal = { id: 'key:nobody', role: 'viewer' };
    expect(await t.kb.search(nobody, 'Acme')).toEqual([]);
    expect(await t.kb.facts(nobody, {})).toEqual([]);
    expect((await t.kb.answer(nobody, 'How many employees does Acme Corp have?')).found).toBe(false);
    expect((await t.kb.exportJsonLinesText(nobody)).trim().split('\n')).toHaveLength(1);
  });
});
