import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { expectedAnswer } from '../../src/knowledge/query/answer-type.js';
import { extractHtml } from '../../src/research/collect/extract.js';
import { type TestKb, testKb } from './helpers.js';

let t: TestKb | undefined;
afterEach(() => t?.close());

async function kbWith(documents: Array<{ source: string; title?: string; text: string }>): Promise<TestKb> {
  t = testKb();
  await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'test', documents });
  return t;
}

describe('expected answer type', () => {
  it.each([
    ['Who is the CEO of Voltaris Energy?', 'person'],
    ['Which Mexican and American film actress voiced her?', 'person'],
    ['Which of the four US presidents was shot in Buffalo?', 'person'],
    ['What university did he attend?', 'organisation'],
    ['In what city is the company that Fastjet was part of based?', 'place'],
    ['Where did she study?', 'place'],
    ['In what year was the university founded?', 'date'],
    ['What was the capital of India when the Taj Mahal was commissioned?', 'place'],
    ['How big was the home battery market in 2025?', 'quantity'],
    ['How many members does the senate have?', 'quantity'],
    ['What is the population of the town?', 'number'],
    ['Did both authors publish more than 15 novels?', 'yesno'],
    ['Who released the song first, Jai McDowall or U2?', 'choice'],
    ['Between Greyia and Calibanus, which genus contains more species?', 'choice'],
    ['What keeps the lanterns burning?', 'thing'],
  ])('%s → %s', (question, type) => {
    expect(expectedAnswer(question).type).toBe(type);
  });
});

describe('span answers', () => {
  it('answers with the span of the expected type, its sentence and citation, not the lead sentence', async () => {
    const { kb } = await kbWith([
      {
        source: 'doc/orbel',
        text: 'Orbel Dynamics is a maker of industrial pumps based in Leeds. It was founded in 1987 by Harriet Vance. The chief executive of Orbel Dynamics is Tomas Lindqvist, who joined in 2019.',
      },
      {
        source: 'doc/kestrel',
        text: 'Kestrel Pumps is a rival pump maker. Its chief executive is Amira Haddad.',
      },
    ]);
    const a = await kb.answer(SYSTEM_PRINCIPAL, 'Who is the CEO of Orbel Dynamics?');
    expect(a.found).toBe(true);
    expect(a.answer).toBe('Tomas Lindqvist');
    expect(a.expectedType).toBe('person');
    expect(a.sentences.at(-1)?.text).toBe(
      'The chief executive of Orbel Dynamics is Tomas Lindqvist, who joined in 2019.',
    );
    expect(a.citations[0]?.source).toBe('doc/orbel');
    const year = await kb.answer(SYSTEM_PRINCIPAL, 'In what year was Orbel Dynamics founded?');
    expect(year.answer).toBe('1987');
  });

  it('says "not found" with the best passages when no passage names what is asked about', async () => {
    const { kb } = await kbWith([
      { source: 'doc/kestrel', text: 'Kestrel Pumps is a pump maker. Its chief executive is Amira Haddad.' },
    ]);
    const a = await kb.answer(SYSTEM_PRINCIPAL, 'Who is the chief executive of Orbel Dynamics?');
    expect(a.found).toBe(false);
    expect(a.answer).toBeNull();
    expect(a.passages?.[0]?.citation.source).toBe('doc/kestrel');
  });

  it('resolves the bridge entity of a two-hop question and answers from the second passage', async () => {
    const { kb } = await kbWith([
      {
        source: 'doc/person',
        text: 'Ilse Marrow was a Danish chemist. She was a professor at Varnholm University from 1950 to 1971.',
      },
      {
        source: 'doc/university',
        text: 'Varnholm University is a public university in Denmark. It was founded in 1832 by royal charter.',
      },
      { source: 'doc/other', text: 'Brisk College is a small college founded in 1901.' },
    ]);
    const a = await kb.answer(
      SYSTEM_PRINCIPAL,
      'In what year was the university where Ilse Marrow was a professor founded?',
    );
    expect(a.found).toBe(true);
    expect(a.answer).toBe('1832');
    expect(a.citations.map((c) => c.source)).toContain('doc/university');
  });

  it('chooses between the options of a comparison by their values', async () => {
    const { kb } = await kbWith([
      {
        source: 'doc/a',
        text: 'The Lark Quartet is a string quartet. The Lark Quartet released their first album in 1994.',
      },
      {
        source: 'doc/b',
        text: 'Mira Olsen is a Norwegian singer. Mira Olsen released her first album in 2011.',
      },
    ]);
    const a = await kb.answer(
      SYSTEM_PRINCIPAL,
      'Who released a first album earlier, Mira Olsen or the Lark Quartet?',
    );
    expect(a.answer).toBe('Lark Quartet');
  });
});

describe('the demo knowledge base (sample market site)', () => {
  const site = join(import.meta.dirname, '../../samples/market-site/site');
  const pages = [
    'companies/voltaris-energy.html',
    'companies/northwind-batteries.html',
    'companies/helio-grid-systems.html',
    'articles/market-outlook-2026.html',
    'articles/installer-survey-2026.html',
    'articles/prices-fall-again.html',
    'articles/policy-incentives.html',
  ];
  it("answers who leads Voltaris Energy, and how big the market was in 2025 with the sources' disagreement", async () => {
    const documents = pages.map((p) => {
      const out = extractHtml(readFileSync(join(site, p), 'utf8'), `http://sample/${p}`);
      if (!out.ok) throw new Error(out.reason);
      return { source: p, title: out.page.title, text: out.page.text };
    });
    const { kb } = await kbWith(documents);
    const ceo = await kb.answer(SYSTEM_PRINCIPAL, 'Who is the CEO of Voltaris Energy?');
    expect(ceo.found).toBe(true);
    expect(ceo.answer).toBe('Maria Keller');
    const market = await kb.answer(SYSTEM_PRINCIPAL, 'How big was the home battery market in 2025?');
    // The outlook article estimates $3.1 billion; Northwind's annual letter says $2.8 billion.
    expect(market.found).toBe(true);
    const given = [
      { text: market.answer, source: market.citations.at(-1)?.source },
      ...(market.alternatives ?? []).map((a) => ({ text: a.text, source: a.citation.source })),
    ];
    expect(given).toContainEqual({ text: '$3.1 billion', source: 'articles/market-outlook-2026.html' });
    expect(given).toContainEqual({ text: '$2.8 billion', source: 'companies/northwind-batteries.html' });
  });
});
