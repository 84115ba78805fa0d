import { z } from 'zod';
import { defineSkill } from '../sdk.js';

/** `creative.ideas`: SCAMPER, morphological analysis and random stimulus from the KB's concepts. */
export const ideasSkill = defineSkill({
  name: 'creative.ideas',
  description:
    'Generates ideas for a problem (SCAMPER, morphological analysis, random stimulus from the knowledge graph), scored for novelty and feasibility, de-duplicated and ranked with reasoning.',
  input: z.object({
    problem: z.string().trim().min(3).max(500),
    namespaces: z.array(z.string()).min(1).max(20).optional(),
    methods: z
      .array(z.enum(['scamper', 'morphological', 'random-stimulus']))
      .min(1)
      .optional(),
    require: z.array(z.string()).max(20).optional(),
    avoid: z.array(z.string()).max(20).optional(),
    dimensions: z
      .array(z.object({ name: z.string(), options: z.array(z.string()) }))
      .max(4)
      .optional(),
    limit: z.number().int().min(1).max(100).optional(),
  }),
  output: z.object({
    ideasPath: z.string(),
    jsonPath: z.string(),
    sha256: z.string(),
    generated: z.number().int(),
    duplicates: z.number().int(),
    top: z.array(z.object({ text: z.string(), score: z.number() })),
  }),
  async handler(input, ctx) {
    const [{ gatherEvidence }, { generateIdeas }, { writeWithManifest }] = await Promise.all([
      import('./evidence.js'),
      import('../../creative/ideation/index.js'),
      import('../../creative/manifest.js'),
    ]);
    const evidence = await gatherEvidence({ topic: input.problem, namespaces: input.namespaces }, ctx);
    const { namespaces: _ns, ...request } = input;
    const result = generateIdeas(evidence, request);
    const fields = {
      kind: 'creative.ideas',
      inputs: { ...request, namespaces: evidence.namespaces },
      method: result.method,
      sources: [],
      label: evidence.namespaces,
    };
    const write = (name: string, content: string | Uint8Array) => ctx.writeArtifact(name, content);
    const md = await writeWithManifest(write, 'ideas.md', result.markdown, {
      ...fields,
      contentType: 'text/markdown; charset=utf-8',
    });
    const json = await writeWithManifest(write, 'ideas.json', `${JSON.stringify(result.ideas, null, 2)}\n`, {
      ...fields,
      contentType: 'application/json',
    });
    return {
      ideasPath: md.path,
      jsonPath: json.path,
      sha256: md.sha256,
      generated: result.generated,
      duplicates: result.duplicates,
      top: result.ideas.slice(0, 5).map((i) => ({ text: i.text, score: i.score })),
    };
  },
});
