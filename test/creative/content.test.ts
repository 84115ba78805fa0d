import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { CONTENT_FORMATS, generateContent } from '../../src/creative/content/index.js';
import type { Evidence } from '../../src/creative/evidence.js';
import { evidenceFromKnowledge } from '../../src/creative/knowledge-evidence.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { numbersIn } from '../../src/research/analyze/numbers.js';
import type { TestKb } from '../knowledge/helpers.js';
import { testKb } from '../knowledge/helpers.js';
import { NAMESPACE, seededKb } from './fixtures.js';
import { type ModelServer, startModelServer } from './model-server.js';

const TOPIC = 'company employees and founding';
const open: TestKb[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

async function evidence(): Promise<{ t: TestKb; ev: Evidence }> {
  const t = await seededKb();
  open.push(t);
  return {
    t,
    ev: await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, { topic: TOPIC, namespaces: [NAMESPACE] }),
  };
}

describe('content from knowledge-base facts', () => {
  it('cites a source for every sentence, and each cited source holds its numbers and names', async () => {
    const { ev } = await evidence();
    const texts = new Map(ev.corpus.sources.map((s) => [s.id, `${s.title} ${s.text}`]));
    for (const format of CONTENT_FORMATS) {
      const result = await generateContent(ev, {
        format,
        topic: TOPIC,
        ...(format === 'product-description' ? { subject: 'Acme Corp' } : {}),
      });
      expect(result.claims.length, format).toBeGreaterThan(0);
      expect(result.dropped, format).toEqual([]);
      for (const claim of result.claims) {
        expect(claim.citations.length, claim.text).toBeGreaterThan(0);
        const cited = claim.citations.map((id) => texts.get(id)!).join('\n');
        // Recomputed here: every number a sentence states appears in what it cites.
        for (const n of numbersIn(claim.text)) {
          expect(
            numbersIn(cited).some((m) => m.value === n.value),
            `${n.raw} in "${claim.text}"`,
          ).toBe(true);
        }
      }
      // Every marker in the text points into the sources list.
      const markers = [...result.markdown.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(Math.max(...markers)).toBe(result.sources.length);
    }
  });

  it('drops a sentence whose fact no longer matches its source, and counts it', async () => {
    const { t } = await evidence();
    const before = await generateContent(
      await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, { topic: TOPIC, namespaces: [NAMESPACE] }),
      { format: 'faq', topic: TOPIC, length: 'long' },
    );
    expect(before.markdown).toContain('4,500');
    // Break one fact: Acme's head count now says 9,999 while the cited page still says 4,500.
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: NAMESPACE,
      subject: 'Acme Corp',
      predicate: 'employees',
      value: 9999,
      source: 'https://example.com/acme',
    });
    const ev = await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, { topic: TOPIC, namespaces: [NAMESPACE] });
    const after = await generateContent(ev, { format: 'faq', topic: TOPIC, length: 'long' });
    expect(after.markdown).not.toContain('9,999');
    expect(after.markdown).not.toContain('4,500');
    expect(after.dropped).toHaveLength(1);
    expect(after.dropped[0]!.reason).toContain('9,999');
    expect(before.markdown).toContain('How many people work at Acme Corp?');
    expect(after.markdown).not.toContain('How many people work at Acme Corp?');
    // The next candidate fact takes the freed place; nothing else changed.
    expect(after.claims.length).toBe(before.claims.length);
  });

  it('drops a sentence naming what its source does not', async () => {
    const { t } = await evidence();
    await t.kb.assertFact(SYSTEM_PRINCIPAL, {
      namespace: NAMESPACE,
      subject: 'Globex',
      predicate: 'ceo',
      object: 'Mona Lisa',
      source: 'https://example.com/globex',
    });
    const ev = await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, {
      topic: 'Globex leadership',
      namespaces: [NAMESPACE],
    });
    const result = await generateContent(ev, {
      format: 'headlines',
      topic: 'Globex leadership',
      length: 'long',
    });
    expect(result.markdown).not.toContain('Mona Lisa');
    expect(result.dropped.map((d) => d.reason)).toContain('“Mona Lisa” is not in the cited sources');
  });

  it('is deterministic offline: the same facts give byte-identical output, even in a fresh database', async () => {
    const a = await evidence();
    const b = await evidence();
    for (const format of CONTENT_FORMATS) {
      const request = {
        format,
        topic: TOPIC,
        tone: 'friendly',
        ...(format === 'product-description' ? { subject: 'Globex' } : {}),
      } as const;
      const first = await generateContent(a.ev, request);
      const again = await generateContent(a.ev, request);
      const fresh = await generateContent(b.ev, request);
      expect(again.markdown).toBe(first.markdown);
      expect(again.html).toBe(first.html);
      expect(fresh.markdown).toBe(first.markdown);
    }
  });

  it('length, audience and tone change what is written; readability is reported against the audience', async () => {
    const { ev } = await evidence();
    const short = await generateContent(ev, { format: 'article', topic: TOPIC, length: 'short' });
    const long = await generateContent(ev, { format: 'article', topic: TOPIC, length: 'long' });
    expect(long.readability.words).toBeGreaterThan(short.readability.words);
    const general = await generateContent(ev, { format: 'brief', topic: TOPIC, audience: 'general' });
    const expert = await generateContent(ev, { format: 'brief', topic: TOPIC, audience: 'expert' });
    expect(general.markdown).not.toContain('confidence');
    expect(expert.markdown).toContain('extraction confidence × source trust');
    // General readers get one fact a sentence; experts get facts joined per subject.
    expect(expert.readability.words / expert.readability.sentences).toBeGreaterThan(
      general.readability.words / general.readability.sentences,
    );
    expect(general.readability).toMatchObject({ audience: 'general', target: 60 });
    expect(general.readability.meetsTarget).toBe(general.readability.score >= 60);
    expect(general.readability.method).toContain('Flesch');
    const neutral = await generateContent(ev, { format: 'brief', topic: TOPIC, tone: 'neutral' });
    const formal = await generateContent(ev, { format: 'brief', topic: TOPIC, tone: 'formal' });
    expect(neutral.markdown).toContain('## Key points');
    expect(formal.markdown).toContain('## Principal findings');
  });

  it('keeps social posts within 280 characters with their citation', async () => {
    const { ev } = await evidence();
    const result = await generateContent(ev, {
      format: 'social',
      topic: TOPIC,
      length: 'long',
      tone: 'persuasive',
    });
    const posts = result.markdown.split('\n').filter((l) => l.startsWith('> '));
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(post.length - 2).toBeLessThanOrEqual(280);
      expect(post).toMatch(/\[\d+\]/);
    }
  });

  it('an empty knowledge base is a coded error', async () => {
    const t = testKb();
    open.push(t);
    const ev = await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, { topic: TOPIC, namespaces: [NAMESPACE] });
    await expect(generateContent(ev, { format: 'brief', topic: TOPIC })).rejects.toMatchObject({
      code: 'CREATIVE_NO_FACTS',
    });
    await expect(generateContent(ev, { format: 'poem' as 'brief', topic: TOPIC })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('a model drafting under the same check', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(() => server.close());

  it('keeps supported sentences, drops and counts unsupported ones, and streams', async () => {
    const { ev } = await evidence();
    server.script([
      {
        kind: 'stream',
        pieces: [
          'Acme Corp was founded in 1999 [1]. ',
          'Acme Corp has 77,777 robots [1]. ',
          'Everyone agrees it is the best company. ',
          'Globex has 12,000 employees [2].',
        ],
      },
    ]);
    const provider = new OpenAiCompatibleProvider({
      baseUrl: server.baseUrl,
      model: 'local',
      timeoutMs: 10_000,
    });
    const deltas: string[] = [];
    const offline = await generateContent(ev, { format: 'brief', topic: TOPIC });
    const result = await generateContent(
      ev,
      { format: 'brief', topic: TOPIC },
      { provider, onDelta: (d) => deltas.push(d) },
    );
    expect(deltas).toHaveLength(4);
    expect(result.model).toEqual({ provider: 'openai-compatible:local', kept: 2, dropped: 2 });
    expect(result.markdown).not.toContain('77,777');
    expect(result.markdown).not.toContain('best company');
    expect(result.claims.filter((c) => c.author === 'model').map((c) => c.text)).toEqual([
      'Acme Corp was founded in 1999.',
      'Globex has 12,000 employees.',
    ]);
    // The template text stays beneath the model's opening.
    for (const claim of offline.claims) expect(result.markdown).toContain(claim.text);
    const prompt = JSON.stringify(server.requests[0]!.body.messages);
    expect(prompt).toContain('general reader');
  });

  it('a failing model leaves the template text standing', async () => {
    const { ev } = await evidence();
    server.script([{ kind: 'status', status: 503, message: 'overloaded' }]);
    const provider = new OpenAiCompatibleProvider({
      baseUrl: server.baseUrl,
      model: 'local',
      timeoutMs: 10_000,
    });
    const offline = await generateContent(ev, { format: 'brief', topic: TOPIC });
    const result = await generateContent(ev, { format: 'brief', topic: TOPIC }, { provider });
    expect(result.markdown).toBe(offline.markdown);
    expect(result.model).toBeUndefined();
  });
});
