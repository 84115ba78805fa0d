import { createHash } from 'node:crypto';
import type { ContentFact } from '../evidence.js';

/**
 * Structured ideation. Three methods, each a fixed procedure over the problem and the knowledge
 * graph's concepts (its entities and the values its facts point to):
 * - SCAMPER: seven prompts (Substitute, Combine, Adapt, Modify, Put to other uses, Eliminate,
 *   Reverse), each applied with a concept as the stimulus;
 * - morphological analysis: dimensions (given by the user, or the KB's predicates with their
 *   values), every combination of one option per dimension, capped;
 * - random stimulus: concepts drawn by a hash of the problem, so "random" is repeatable.
 */
export type IdeationMethod = 'scamper' | 'morphological' | 'random-stimulus';

export interface Concept {
  name: string;
  /** Source ids of the facts that mention it (for the reasoning shown). */
  sources: string[];
  facts: number;
}

export interface RawIdea {
  method: IdeationMethod;
  /** SCAMPER letter, combination, or stimulus. */
  move: string;
  text: string;
  concepts: string[];
}

export function conceptsOf(facts: ContentFact[]): Concept[] {
  const byName = new Map<string, Concept>();
  const add = (name: string, sources: string[]): void => {
    const concept = byName.get(name) ?? { name, sources: [], facts: 0 };
    concept.facts++;
    concept.sources = [...new Set([...concept.sources, ...sources])].sort();
    byName.set(name, concept);
  };
  for (const fact of facts) {
    if (fact.kind !== 'fact') continue;
    add(fact.subject, fact.sources);
    if (fact.objectIsEntity) add(fact.value, fact.sources);
  }
  // Best-connected concepts first; ties by name, so the list is the same in any database.
  return [...byName.values()].sort((a, b) => b.facts - a.facts || a.name.localeCompare(b.name));
}

function rank(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0);
}

/** `count` concepts ordered by a hash of problem and name: repeatable, but not the top of the list. */
export function drawConcepts(concepts: Concept[], problem: string, count: number): Concept[] {
  return [...concepts]
    .sort(
      (a, b) => rank(`${problem}|${a.name}`) - rank(`${problem}|${b.name}`) || a.name.localeCompare(b.name),
    )
    .slice(0, count);
}

const SCAMPER: Array<[string, (p: string, c: string) => string]> = [
  ['Substitute', (p, c) => `Substitute: replace the usual means of ${p} with what ${c} already offers.`],
  ['Combine', (p, c) => `Combine: join forces with ${c} so that ${p} becomes a shared effort.`],
  ['Adapt', (p, c) => `Adapt: study how ${c} works and carry its approach over to ${p}.`],
  ['Modify', (p, c) => `Modify: change the scale of ${p}, starting small with ${c} as the pilot.`],
  ['Put to other uses', (p, c) => `Put to other uses: offer what ${p} produces to ${c} as well.`],
  ['Eliminate', (p, c) => `Eliminate: drop the steps of ${p} that ${c} shows are not needed.`],
  ['Reverse', (p, c) => `Reverse: let ${c} lead ${p} while you support it.`],
];

export function scamper(problem: string, concepts: Concept[]): RawIdea[] {
  if (concepts.length === 0) return [];
  return SCAMPER.map(([move, template], i) => {
    const concept = concepts[i % concepts.length]!;
    return { method: 'scamper', move, text: template(problem, concept.name), concepts: [concept.name] };
  });
}

export interface Dimension {
  name: string;
  options: string[];
}

/** Dimensions from the KB: predicates with 2+ distinct entity or text values (3 options each). */
export function dimensionsOf(facts: ContentFact[], limit = 3): Dimension[] {
  const values = new Map<string, Set<string>>();
  for (const fact of facts) {
    if (fact.kind !== 'fact' || fact.number !== undefined || /\d/.test(fact.value)) continue;
    const set = values.get(fact.predicate) ?? new Set<string>();
    set.add(fact.value);
    values.set(fact.predicate, set);
  }
  return [...values.entries()]
    .filter(([, set]) => set.size >= 2)
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name, set]) => ({ name: name.replace(/[_.-]+/g, ' '), options: [...set].sort().slice(0, 3) }));
}

/** Every combination of one option per dimension, at most `cap` (27 = three dimensions of three). */
export function morphological(problem: string, dimensions: Dimension[], cap = 27): RawIdea[] {
  const usable = dimensions.filter((d) => d.options.length > 0);
  if (usable.length === 0) return [];
  let combos: string[][] = [[]];
  for (const d of usable) combos = combos.flatMap((c) => d.options.map((o) => [...c, o]));
  return combos.slice(0, cap).map((combo) => ({
    method: 'morphological',
    move: combo.map((o, i) => `${usable[i]!.name}=${o}`).join(', '),
    text: `Approach ${problem} with ${combo.map((o, i) => `${usable[i]!.name} ${o}`).join(', ')}.`,
    concepts: combo,
  }));
}

export function randomStimulus(problem: string, concepts: Concept[], count = 5): RawIdea[] {
  return drawConcepts(concepts, problem, count).map((c) => ({
    method: 'random-stimulus',
    move: c.name,
    text: `Take ${c.name} as the starting point: what would ${problem} look like if it were built around ${c.name}?`,
    concepts: [c.name],
  }));
}
