import { describe, expect, it } from 'vitest';
import { extractEntities, extractValues } from '../../src/knowledge/extract/entities.js';
import { extractFacts } from '../../src/knowledge/extract/facts.js';
import { jaroWinkler, normaliseName, resolveEntity } from '../../src/knowledge/resolution.js';
import { chunkText } from '../../src/knowledge/text/chunker.js';
import { leadCategory, leadNames } from '../../src/knowledge/text/phrases.js';
import { sentences } from '../../src/knowledge/text/sentences.js';

const facts = (sentence: string, subject: string | null = null) =>
  extractFacts(sentence, subject ? { name: subject } : null).map((f) => [
    f.subject.name,
    f.predicate,
    f.object?.name ?? f.value,
    f.confidence,
  ]);

describe('fact patterns on known sentences', () => {
  it.each([
    ['Acme Corp acquired Widget Inc. in 2021.', ['Acme Corp', 'acquired', 'Widget Inc', 0.9]],
    ['Widget Inc was acquired by Acme Corp.', ['Acme Corp', 'acquired', 'Widget Inc', 0.9]],
    ['Jane Smith is the CEO of Acme Corp.', ['Acme Corp', 'ceo', 'Jane Smith', 0.9]],
    ['Acme was founded in 1999 in Berlin.', ['Acme', 'founded_in', '1999', 0.9]],
    ['Acme Corp has 4,500 employees.', ['Acme Corp', 'employees', 4500, 0.85]],
    ['The price of Widget Pro is $49.', ['Widget Pro', 'price', '$49', 0.85]],
    ['Globex is headquartered in Springfield.', ['Globex', 'headquarters', 'Springfield', 0.85]],
    ['Lima is the capital of Peru.', ['Peru', 'capital', 'Lima', 0.9]],
    ['Marie Curie was born in Warsaw.', ['Marie Curie', 'birthplace', 'Warsaw', 0.8]],
    ['Initech is a subsidiary of Globex.', ['Initech', 'parent_organization', 'Globex', 0.85]],
  ])('%s', (sentence, expected) => {
    expect(facts(sentence)).toContainEqual(expected);
  });

  it('a pronoun subject resolves to the passage subject at lower confidence', () => {
    expect(facts('It has 4,500 employees.', 'Acme Corp')).toEqual([['Acme Corp', 'employees', 4500, 0.68]]);
    expect(facts('It has 4,500 employees.')).toEqual([]);
  });

  it('"founded in YEAR by X" gives both the founder and the year', () => {
    const out = facts('Globex was founded in 1989 by Hank Scorpio.');
    expect(out).toContainEqual(['Globex', 'founded_by', 'Hank Scorpio', 0.85]);
    expect(out).toContainEqual(['Globex', 'founded_in', '1989', 0.85]);
  });

  it('scales quantities ("2 million") and dates the fact by "in YEAR"', () => {
    const [f] = extractFacts('Acme Corp employed 2 million people in 2020.', null);
    expect(f).toMatchObject({ predicate: 'employees', value: 2_000_000, validFrom: '2020' });
  });

  it('finds no fact in sentences that only look similar', () => {
    expect(facts('The acquisition was discussed at length.')).toEqual([]);
    expect(facts('Nobody knows who the CEO will be.')).toEqual([]);
  });
});

describe('entities', () => {
  it('compromise finds people, organisations and places; wink-nlp finds dates, money and quantities', () => {
    const text =
      'Acme Corp acquired Widget Inc. for $2.5 billion on March 3, 2021. Jane Smith is the CEO of Acme Corp. It has 4,500 employees in Berlin.';
    const entities = extractEntities(text).map((e) => [e.name, e.type]);
    expect(entities).toContainEqual(['Jane Smith', 'person']);
    expect(entities).toContainEqual(['Acme Corp', 'organization']);
    expect(entities).toContainEqual(['Berlin', 'place']);
    const values = extractValues(text).map((v) => [v.text, v.kind]);
    expect(values).toContainEqual(['$2.5 billion', 'money']);
    expect(values).toContainEqual(['March 3, 2021', 'date']);
    expect(values).toContainEqual(['4,500', 'quantity']);
  });

  it('reads a lead sentence for its subject, aliases and category', () => {
    const lead =
      'Five Forty Aviation Ltd, trading as Fly540, is a low-cost airline which commenced operations in 2006.';
    expect(leadNames(lead)).toEqual(['Five Forty Aviation Ltd', 'Fly540']);
    expect(leadNames('Lomonosov Moscow State University (MSU; Russian: ...) is a university.')).toEqual([
      'Lomonosov Moscow State University',
      'MSU',
    ]);
    expect(leadNames('Stuart Allen "Stu" Roosa (August 16, 1933) was an astronaut.')[0]).toBe(
      'Stuart Allen Roosa',
    );
    expect(leadCategory('Logar is one of the 34 provinces of Afghanistan.')).toEqual(['logar', 'province']);
  });
});

describe('entity resolution', () => {
  it('normalises names: case, accents, punctuation, "the", legal suffixes', () => {
    expect(normaliseName('The Acme Corp.')).toBe('acme');
    expect(normaliseName('Pénélope Cruz')).toBe('penelope cruz');
    expect(normaliseName("McDonald's")).toBe('mcdonald');
  });

  it('Jaro-Winkler matches the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
  });

  it('resolves by normalised name, then alias, then similarity, with a guard for short names', () => {
    const candidates = [
      { id: 'e1', type: 'organization' as const, norm: 'acme', aliasNorms: ['acme holdings'] },
      { id: 'e2', type: 'person' as const, norm: 'jonathan smithson', aliasNorms: [] },
      { id: 'e3', type: 'organization' as const, norm: 'ibm', aliasNorms: [] },
    ];
    expect(resolveEntity({ norm: 'acme', type: 'organization' }, candidates)).toBe('e1');
    expect(resolveEntity({ norm: 'acme holdings', type: 'thing' }, candidates)).toBe('e1');
    expect(resolveEntity({ norm: 'jonathon smithson', type: 'person' }, candidates)).toBe('e2');
    // Similar but short: a new entity, not a merge.
    expect(resolveEntity({ norm: 'ibx', type: 'organization' }, candidates)).toBeNull();
    // Similar name, different type: no fuzzy merge.
    expect(resolveEntity({ norm: 'jonathon smithson', type: 'organization' }, candidates)).toBeNull();
  });
});

describe('chunking', () => {
  it('splits on sentences, keeps abbreviations and decimals whole', () => {
    expect(
      sentences('Dr. Smith paid $3.50 for it. Then he left. Acme Corp. Acme was founded in 1999.'),
    ).toEqual(['Dr. Smith paid $3.50 for it.', 'Then he left.', 'Acme Corp.', 'Acme was founded in 1999.']);
  });

  it('chunks end on sentence boundaries and overlap by whole sentences', () => {
    const text = Array.from(
      { length: 30 },
      (_, i) => `Sentence number ${i} says something useful here.`,
    ).join(' ');
    const chunks = chunkText(text, { maxChars: 300, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(300);
      expect(c.text).toMatch(/^Sentence number \d+ .*here\.$/);
      expect(text.slice(c.start, c.end)).toBe(c.text);
    }
    for (let i = 1; i < chunks.length; i++) {
      const last = sentences(chunks[i - 1]!.text).pop()!;
      expect(chunks[i]!.text.startsWith(last) || chunks[i]!.start < chunks[i - 1]!.end).toBe(true);
    }
  });

  it('cuts a single sentence longer than the chunk size at word boundaries', () => {
    const long = `${'word '.repeat(200)}end.`;
    const chunks = chunkText(long, { maxChars: 100, overlapChars: 0 });
    expect(chunks.every((c) => c.text.length <= 100)).toBe(true);
    expect(
      chunks
        .map((c) => c.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(long.trim().replace(/\s+/g, ' '));
  });
});
