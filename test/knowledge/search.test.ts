import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { OpenAiEmbeddings } from '../../src/knowledge/embeddings.js';
import { type TestKb, testKb } from './helpers.js';

const CORPUS = [
  {
    source: 'tokarev',
    text: 'Sergei Tokarev (1899 – 1985) was a Russian ethnographer and historian. He was a professor at Moscow State University, where he taught the history of religion.',
  },
  {
    source: 'msu',
    text: 'Lomonosov Moscow State University (MSU) is a public research university located in Moscow, Russia. It was founded on January 25, 1755 by Mikhail Lomonosov.',
  },
  {
    source: 'spbu',
    text: 'Saint Petersburg State University is a public research university in Saint Petersburg. It was founded in 1724.',
  },
  {
    source: 'kazan',
    text: 'Kazan Federal University is a public university in Kazan, Russia. It was founded in 1804.',
  },
  {
    source: 'ethno',
    text: 'Ethnography is the study of peoples and cultures. Many Russian scholars were professors of ethnography.',
  },
  // Unrelated passages, so that words like "university" are not in most documents (BM25 idf).
  ...[
    'apples grow in orchards and are harvested in autumn',
    'the violin has four strings tuned in fifths',
    'glaciers carve valleys over thousands of years',
    'a sonnet has fourteen lines',
    'tides follow the moon',
    'bees make honey from nectar',
    'chess openings are studied by players',
    'volcanoes erupt when magma rises',
    'bread is baked from flour and water',
    'rivers carry sediment to the sea',
  ].map((text, i) => ({ source: `filler-${i}`, text: `${text[0]!.toUpperCase()}${text.slice(1)}.` })),
];

let t: TestKb;
afterEach(() => t?.close());

describe('search and answers', () => {
  it('hybrid ranking reaches the passage one link away and puts it first', async () => {
    t = testKb();
    await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'wiki', documents: CORPUS });
    const q = 'In what year was the university where Sergei Tokarev was a professor founded?';
    const keyword = await t.kb.search(SYSTEM_PRINCIPAL, q, { mode: 'keyword' });
    const hybrid = await t.kb.search(SYSTEM_PRINCIPAL, q);
    expect(keyword[0]?.source).toBe('tokarev');
    expect(hybrid[0]?.source).toBe('msu');
    expect(hybrid[0]?.signals?.bridgeFrom).toBe(keyword[0]?.chunkId);
  });

  it('answers with the sentence, a citation and a confidence; says "not found" instead of guessing', async () => {
    t = testKb();
    await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'wiki', documents: CORPUS });
    const a = await t.kb.answer(SYSTEM_PRINCIPAL, 'When was Kazan Federal University founded?');
    expect(a.found).toBe(true);
    expect(a.answer).toContain('1804');
    expect(a.citations[0]).toMatchObject({ source: 'kazan', namespace: 'wiki' });
    expect(a.confidence).toBeGreaterThan(0.35);
    const none = await t.kb.answer(SYSTEM_PRINCIPAL, 'Who won the 1998 football world cup final in Paris?');
    expect(none).toMatchObject({ found: false, answer: null, citations: [] });
  });

  it('entity lookup and graph neighbourhood by recursive walk', async () => {
    t = testKb();
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: 'g',
      subject: 'Acme Corp',
      predicate: 'acquired',
      object: 'Widget Inc',
    });
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: 'g',
      subject: 'Widget Inc',
      predicate: 'acquired',
      object: 'Gizmo Ltd',
    });
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: 'g',
      subject: 'Gizmo Ltd',
      predicate: 'headquarters',
      object: 'Oslo',
    });
    const one = await t.kb.neighbourhood(SYSTEM_PRINCIPAL, 'Acme Corp', { hops: 1 });
    const three = await t.kb.neighbourhood(SYSTEM_PRINCIPAL, 'Acme Corp', { hops: 3 });
    expect(one?.nodes.map((n) => [n.name, n.depth])).toEqual([
      ['Acme Corp', 0],
      ['Widget Inc', 1],
    ]);
    expect(three?.nodes.map((n) => [n.name, n.depth])).toEqual([
      ['Acme Corp', 0],
      ['Widget Inc', 1],
      ['Gizmo Ltd', 2],
      ['Oslo', 3],
    ]);
    expect(three?.edges.map((e) => e.predicate).sort()).toEqual(['acquired', 'acquired', 'headquarters']);
    await expect(t.kb.neighbourhood(SYSTEM_PRINCIPAL, 'Acme Corp', { hops: 9 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await t.kb.findEntities(SYSTEM_PRINCIPAL, { name: 'widget' }))[0]?.name).toBe('Widget Inc');
  });
});

describe('embeddings (optional provider)', () => {
  let server: Server;
  let baseUrl: string;
  let calls = 0;
  beforeAll(async () => {
    // An OpenAI-compatible /embeddings stub: "zebra"-ish texts point one way, the rest the other.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        const { input } = JSON.parse(body) as { input: string[] };
        const data = input.map((text, index) => ({
          index,
          embedding: /zebra|striped horse/i.test(text) ? [1, 0, 0] : [0, 1, 0],
        }));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('vectors are stored on ingest and fused into the ranking', async () => {
    t = testKb({ embeddings: new OpenAiEmbeddings({ baseUrl, model: 'stub', timeoutMs: 5000 }) });
    await t.kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: 'zoo',
      documents: [
        { source: 'z', text: 'The zebra is an African equine with black and white stripes.' },
        { source: 'h', text: 'Horses are large domesticated mammals.' },
      ],
    });
    expect((t.db.prepare('SELECT count(*) AS n FROM kb_embeddings').get() as { n: number }).n).toBe(2);
    // No word of the query occurs in the zebra passage: only the embedding can find it.
    const hits = await t.kb.search(SYSTEM_PRINCIPAL, 'striped horse');
    expect(hits.map((h) => h.source)).toContain('z');
    expect(calls).toBeGreaterThan(1);
  });

  it('a provider that is down does not break ingest or search', async () => {
    t = testKb({
      embeddings: new OpenAiEmbeddings({ baseUrl: 'http://127.0.0.1:9/v1', model: 'down', timeoutMs: 500 }),
    });
    const r = await t.kb.ingest(SYSTEM_PRINCIPAL, {
      namespace: 'zoo',
      documents: [{ source: 'h', text: 'Horses are large domesticated mammals.' }],
    });
    expect(r.counts.created).toBe(1);
    expect((await t.kb.search(SYSTEM_PRINCIPAL, 'horses')).map((h) => h.source)).toEqual(['h']);
  });
});
