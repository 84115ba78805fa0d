import { describe, expect, it } from 'vitest';
import { analyzeCorpus } from '../../src/research/analyze/index.js';
import type { Corpus, CorpusSource } from '../../src/research/types.js';

function corpusOf(texts: string[], extra: Partial<CorpusSource> = {}): Corpus {
  return {
    topic: 'test',
    createdAt: '2026-01-01T00:00:00.000Z',
    seeds: [],
    sources: texts.map((text, i) => ({
      id: `s${i + 1}`,
      url: `http://example.test/${i + 1}`,
      title: `Doc ${i + 1}`,
      text,
      fetchedAt: '2026-01-01T00:00:00.000Z',
      contentHash: String(i),
      status: 'ok' as const,
      depth: 0,
      via: 'seed' as const,
      language: 'en',
      ...extra,
    })),
    discovery: [],
    notFollowed: { pageLimit: 0, depthLimit: 0, outOfScope: 0 },
    stats: { collected: texts.length, failed: 0, skipped: 0, durationMs: 0 },
  };
}

describe('text analysis of known sentences', () => {
  const analysis = analyzeCorpus(
    corpusOf([
      'Maria Keller, chief executive of Voltaris Energy, said in Berlin that revenue rose 12% to EUR 480 million in 2025. Northwind Batteries shipped 58,400 units last year.',
      'The launch in Texas was a great success and customers love it. Voltaris Energy praised its excellent installers.',
      'The recall was a terrible failure and a disaster for Helio Grid Systems. Installers are angry about the awful delays.',
    ]),
  );
  const entity = (name: string) => analysis.entities.find((e) => e.name === name);

  it('finds people, organisations and places', () => {
    expect(entity('Maria Keller')).toMatchObject({ type: 'person', sources: ['s1'] });
    expect(entity('Voltaris Energy')).toMatchObject({
      type: 'organization',
      mentions: 2,
      sources: ['s1', 's2'],
    });
    expect(entity('Northwind Batteries')?.type).toBe('organization');
    expect(entity('Helio Grid Systems')?.type).toBe('organization');
    expect(entity('Berlin')?.type).toBe('place');
    expect(entity('Texas')?.type).toBe('place');
  });

  it('finds money, percentages and dates', () => {
    const found = analysis.quantities.filter((q) => q.sourceId === 's1').map((q) => [q.type, q.text]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['percent', '12%'],
        ['date', '2025'],
      ]),
    );
    expect(analysis.quantities.some((q) => q.type === 'cardinal' && q.value === 480_000_000)).toBe(true);
  });

  it('extracts quantitative claims with value, unit, subject, sentence and source', () => {
    const claims = analysis.claims.map((c) => ({
      value: c.value,
      unit: c.unit,
      subject: c.subject,
      sourceId: c.sourceId,
      year: c.year,
    }));
    expect(claims).toEqual(
      expect.arrayContaining([
        { value: 12, unit: '%', subject: 'Voltaris Energy', sourceId: 's1', year: 2025 },
        { value: 480_000_000, unit: 'EUR', subject: 'Voltaris Energy', sourceId: 's1', year: 2025 },
        { value: 58_400, unit: 'units', subject: 'Northwind Batteries', sourceId: 's1', year: undefined },
      ]),
    );
    expect(analysis.claims.find((c) => c.value === 58_400)?.sentence).toBe(
      'Northwind Batteries shipped 58,400 units last year.',
    );
  });

  it('scores sentiment per source and per entity', () => {
    const score = (id: string) => analysis.sentiment.find((s) => s.sourceId === id)!;
    expect(score('s2').label).toBe('positive');
    expect(score('s3').label).toBe('negative');
    expect(entity('Helio Grid Systems')!.sentiment).toBeLessThan(0);
    expect(entity('Texas')!.sentiment).toBeGreaterThan(0);
  });

  it('finds keywords and clusters sources by topic', () => {
    expect(analysis.keywords.map((k) => k.term)).toContain('installers');
    const clustered = analysis.topics.flatMap((t) => t.sources).sort();
    expect(clustered).toEqual(['s1', 's2', 's3']);
  });

  it('flags two sources that give different values for the same thing', () => {
    const disagree = analyzeCorpus(
      corpusOf([
        'We estimate the market was worth $3.1 billion in 2025.',
        'Another study put the market at $2.8 billion in 2025.',
      ]),
    );
    expect(disagree.disagreements).toHaveLength(1);
    expect(disagree.disagreements[0]!.differencePct).toBeCloseTo((0.3 / 3.1) * 100, 8);
  });

  it('leaves non-English text out of the English-only analysis, with a note', () => {
    const french = analyzeCorpus(
      corpusOf(['Le marché des batteries a progressé de 12% en 2025.'], { language: 'fr' }),
    );
    expect(french.claims).toEqual([]);
    expect(french.notes[0]).toContain('"fr"');
  });

  it('is deterministic', () => {
    const again = analyzeCorpus(
      corpusOf([
        'Maria Keller, chief executive of Voltaris Energy, said in Berlin that revenue rose 12% to EUR 480 million in 2025. Northwind Batteries shipped 58,400 units last year.',
        'The launch in Texas was a great success and customers love it. Voltaris Energy praised its excellent installers.',
        'The recall was a terrible failure and a disaster for Helio Grid Systems. Installers are angry about the awful delays.',
      ]),
    );
    expect(JSON.stringify(again)).toBe(JSON.stringify(analysis));
  });
});
