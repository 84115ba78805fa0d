import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { terms } from '../../src/creative/content/plan.js';
import type { Evidence } from '../../src/creative/evidence.js';
import { generateIdeas } from '../../src/creative/ideation/index.js';
import { DUPLICATE_JACCARD } from '../../src/creative/ideation/score.js';
import { evidenceFromKnowledge } from '../../src/creative/knowledge-evidence.js';
import type { TestKb } from '../knowledge/helpers.js';
import { testKb } from '../knowledge/helpers.js';
import { NAMESPACE, seededKb } from './fixtures.js';

const PROBLEM = 'reaching small businesses with home batteries';
const open: TestKb[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

async function evidence(): Promise<Evidence> {
  const t = await seededKb();
  open.push(t);
  return evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, { topic: PROBLEM, namespaces: [NAMESPACE] });
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  return both / (a.size + b.size - both);
}

describe('ideation', () => {
  it('uses all three methods, draws on the KB concepts and shows its reasoning', async () => {
    const result = generateIdeas(await evidence(), { problem: PROBLEM, limit: 100 });
    expect(new Set(result.ideas.map((i) => i.method))).toEqual(
      new Set(['scamper', 'morphological', 'random-stimulus']),
    );
    for (const idea of result.ideas) {
      expect(idea.concepts.length).toBeGreaterThan(0);
      expect(idea.reasoning.join(' ')).toMatch(/novelty .* feasibility .* score/s);
      expect(idea.novelty).toBeGreaterThanOrEqual(0);
      expect(idea.novelty).toBeLessThanOrEqual(1);
    }
    expect(result.markdown).toContain('## Method');
  });

  it('is deduplicated and ranked deterministically', async () => {
    const a = generateIdeas(await evidence(), { problem: PROBLEM, limit: 100 });
    const b = generateIdeas(await evidence(), { problem: PROBLEM, limit: 100 });
    expect(b.ideas).toEqual(a.ideas);
    expect(b.markdown).toBe(a.markdown);
    for (let i = 1; i < a.ideas.length; i++) {
      const [prev, next] = [a.ideas[i - 1]!, a.ideas[i]!];
      expect(
        prev.score > next.score || (prev.score === next.score && prev.text.localeCompare(next.text) < 0),
      ).toBe(true);
    }
    // No two ideas kept are near-duplicates (recomputed here).
    for (let i = 0; i < a.ideas.length; i++)
      for (let j = i + 1; j < a.ideas.length; j++)
        expect(jaccard(terms(a.ideas[i]!.text), terms(a.ideas[j]!.text))).toBeLessThan(DUPLICATE_JACCARD);
  });

  it('folds near-duplicates into one idea and counts them', async () => {
    const ev = await evidence();
    const dims = [{ name: 'channel', options: ['installers', 'installers network'] }];
    const result = generateIdeas(ev, { problem: PROBLEM, methods: ['morphological'], dimensions: dims });
    expect(result.generated).toBe(2);
    expect(result.ideas).toHaveLength(1);
    expect(result.duplicates).toBe(1);
    expect(result.ideas[0]!.merged).toBe(1);
  });

  it('scores feasibility against constraints: an avoided term sinks an idea, required terms lift it', async () => {
    const ev = await evidence();
    const free = generateIdeas(ev, { problem: PROBLEM, limit: 100 });
    const target = free.ideas.find((i) => i.text.includes('Globex'))!;
    const constrained = generateIdeas(ev, {
      problem: PROBLEM,
      avoid: ['Globex'],
      require: ['Acme'],
      limit: 100,
    });
    for (const idea of constrained.ideas) {
      if (idea.text.includes('Globex')) expect(idea.feasibility).toBe(0);
      else if (idea.text.includes('Acme')) expect(idea.feasibility).toBeGreaterThanOrEqual(0.9);
      else expect(idea.feasibility).toBeLessThan(0.6);
    }
    const sunk = constrained.ideas.find((i) => i.text === target.text)!;
    expect(sunk.score).toBeLessThan(target.score);
    expect(sunk.reasoning.join(' ')).toContain('avoided “Globex”');
  });

  it('novelty falls for an idea the knowledge base already states', async () => {
    const ev = await evidence();
    const dims = [
      { name: 'headquarters', options: ['Springfield'] },
      { name: 'lead', options: ['quantum kite festivals'] },
    ];
    const known = generateIdeas(ev, {
      problem: 'Globex',
      methods: ['morphological'],
      dimensions: [dims[0]!],
    });
    const fresh = generateIdeas(ev, {
      problem: 'Globex',
      methods: ['morphological'],
      dimensions: [dims[1]!],
    });
    expect(known.ideas[0]!.novelty).toBeLessThan(fresh.ideas[0]!.novelty);
  });

  it('an empty knowledge base is CREATIVE_NO_FACTS', async () => {
    const t = testKb();
    open.push(t);
    const ev = await evidenceFromKnowledge(t.kb, SYSTEM_PRINCIPAL, {
      topic: PROBLEM,
      namespaces: [NAMESPACE],
    });
    expect(() => generateIdeas(ev, { problem: PROBLEM })).toThrow(
      expect.objectContaining({ code: 'CREATIVE_NO_FACTS' }),
    );
  });
});
