import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import type { Evidence } from '../evidence.js';
import {
  conceptsOf,
  type Dimension,
  dimensionsOf,
  morphological,
  type RawIdea,
  randomStimulus,
  scamper,
} from './generate.js';
import { type Idea, scoreIdeas } from './score.js';

/** Ideas for a problem from the knowledge graph's concepts, scored, de-duplicated and ranked. */
export const ideasRequestSchema = z.object({
  problem: z.string().trim().min(3).max(500),
  methods: z
    .array(z.enum(['scamper', 'morphological', 'random-stimulus']))
    .min(1)
    .default(['scamper', 'morphological', 'random-stimulus']),
  require: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  avoid: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  /** Dimensions for morphological analysis; the KB's predicates when absent. */
  dimensions: z
    .array(
      z.object({
        name: z.string().min(1).max(60),
        options: z.array(z.string().min(1).max(100)).min(1).max(6),
      }),
    )
    .max(4)
    .optional(),
  limit: z.number().int().min(1).max(100).default(15),
});

export type IdeasRequestInput = z.input<typeof ideasRequestSchema>;

export interface IdeasResult {
  problem: string;
  ideas: Idea[];
  generated: number;
  duplicates: number;
  markdown: string;
  method: string[];
}

export function generateIdeas(evidence: Evidence, input: IdeasRequestInput): IdeasResult {
  const parsed = ideasRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Invalid ideas request: ${parsed.error.issues[0]?.message ?? 'bad input'}.`,
    );
  }
  const request = parsed.data;
  const concepts = conceptsOf(evidence.facts);
  if (concepts.length === 0) {
    throw new MagnaError(
      'CREATIVE_NO_FACTS',
      'The knowledge base holds no concepts to draw ideas from; ingest sources first.',
    );
  }
  const dimensions: Dimension[] = request.dimensions ?? dimensionsOf(evidence.facts);
  const raw: RawIdea[] = [];
  if (request.methods.includes('scamper')) raw.push(...scamper(request.problem, concepts));
  if (request.methods.includes('morphological')) raw.push(...morphological(request.problem, dimensions));
  if (request.methods.includes('random-stimulus')) raw.push(...randomStimulus(request.problem, concepts));
  const { ideas, duplicates } = scoreIdeas(
    raw,
    evidence,
    { require: request.require, avoid: request.avoid },
    request.problem,
  );
  const top = ideas.slice(0, request.limit);
  const method = [
    ...evidence.method,
    `methods: ${request.methods.join(', ')}; ${concepts.length} concepts from the knowledge graph`,
    'novelty: 1 − highest Jaccard similarity of the idea’s added terms with any known statement',
    'feasibility: 0 if an avoided term appears, else 0.4 + 0.6 × required terms covered (0.7 with none), +0.1 when its concepts have facts',
    'rank: 0.5 × novelty + 0.5 × feasibility, ties by text; duplicates at Jaccard ≥ 0.8 folded into the better one',
  ];
  const lines = [
    `# Ideas: ${request.problem}`,
    '',
    `${raw.length} ideas generated, ${duplicates} near-duplicates folded, ${top.length} shown, best first.`,
    '',
  ];
  top.forEach((idea, i) => {
    lines.push(`${i + 1}. **${idea.text}**`);
    for (const r of idea.reasoning) lines.push(`   - ${r}`);
    if (idea.merged > 0)
      lines.push(`   - ${idea.merged} near-duplicate${idea.merged === 1 ? '' : 's'} folded in`);
  });
  lines.push('', '## Method', '', ...method.map((m) => `- ${m}`), '');
  return {
    problem: request.problem,
    ideas: top,
    generated: raw.length,
    duplicates,
    markdown: lines.join('\n'),
    method,
  };
}
