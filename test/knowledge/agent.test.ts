import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/agents/artifacts.js';
import { builtinTemplates } from '../../src/agents/builtin.js';
import { knowledgeAgent } from '../../src/agents/knowledge/index.js';
import type { SkillContext, SkillDefinition } from '../../src/agents/sdk.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type TestKb, tempDir, testKb } from './helpers.js';

let t: TestKb;
let tmp: ReturnType<typeof tempDir>;
afterEach(() => {
  t?.close();
  tmp?.remove();
});

function skill(name: string): SkillDefinition {
  const s = knowledgeAgent.skills.find((x) => x.name === name);
  if (!s) throw new Error(`no skill ${name}`);
  return s;
}

/** The parts of a skill context these handlers use; the runtime provides the rest. */
function context(upstream: Record<string, unknown> = {}): SkillContext {
  const progress: number[] = [];
  return {
    signal: new AbortController().signal,
    logger: silentLogger(),
    task: { id: 'task_1', attempt: 1, missionId: 'mission_1', skill: 'knowledge.ingest' },
    upstream,
    agent: { name: 'knowledge', role: 'knowledge' },
    principal: { id: 'agent:knowledge', role: 'agent' },
    services: { knowledge: t.kb },
    ...(tmp ? { artifacts: new ArtifactStore(tmp.dir) } : {}),
    progress: async (f: number) => {
      progress.push(f);
    },
  } as unknown as SkillContext;
}

async function run(name: string, input: unknown, ctx = context()) {
  const s = skill(name);
  const parsed = s.input.parse(input);
  return s.output.parse(await s.handler(parsed, ctx)) as Record<string, unknown>;
}

describe('knowledge agent', () => {
  it('declares every knowledge skill the built-in plans route to it, each refusing malformed input', () => {
    expect(knowledgeAgent.name).toBe('knowledge');
    const planned = builtinTemplates().flatMap((template) =>
      template
        .plan(template.example, { sources: ['https://example.com/'] })
        .steps.map((step) => step.skill)
        .filter((name) => name.startsWith('knowledge.')),
    );
    expect(planned.length).toBeGreaterThan(0);
    const declared = knowledgeAgent.skills.map((s) => s.name);
    expect(planned.filter((name) => !declared.includes(name))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
    for (const s of knowledgeAgent.skills) {
      expect(s.name.startsWith('knowledge.'), s.name).toBe(true);
      expect(s.input.safeParse('not an object').success, s.name).toBe(false);
    }
  });

  it('ingests the research corpus named by an upstream step (only "ok" sources), then answers from it', async () => {
    t = testKb();
    tmp = tempDir();
    // The corpus is an artifact of the mission, read back through the artifact store.
    const corpusPath = await new ArtifactStore(tmp.dir).write(
      'mission_1',
      'corpus.json',
      JSON.stringify({
        sources: [
          {
            id: 's1',
            url: 'https://example.com/acme',
            title: 'Acme Corp',
            text: 'Acme Corp has 4,500 employees. Jane Smith is the CEO of Acme Corp.',
            fetchedAt: '2026-01-01T00:00:00Z',
            contentHash: 'abc',
            status: 'ok',
          },
          {
            id: 's2',
            url: 'https://example.com/broken',
            title: null,
            text: null,
            fetchedAt: null,
            contentHash: null,
            status: 'failed',
          },
        ],
      }),
    );
    const out = await run(
      'knowledge.ingest',
      { namespace: 'missions/m1' },
      context({ collect: { corpusPath, pages: 2 } }),
    );
    expect(out).toMatchObject({
      namespace: 'missions/m1',
      skippedSources: 1,
      counts: expect.objectContaining({ documents: 1, created: 1 }),
    });
    expect(out.documentIds).toHaveLength(1);
    const doc = await t.kb.document(
      { id: 'system', role: 'admin' },
      'https://example.com/acme',
      'missions/m1',
    );
    expect(doc?.metadata).toMatchObject({ sourceId: 's1', contentHash: 'abc' });
    const answer = await run('knowledge.answer', { question: 'Who is the CEO of Acme Corp?' });
    expect(answer).toMatchObject({ found: true });
    expect(String(answer.answer)).toContain('Jane Smith');
    const hits = await run('knowledge.query', { query: 'employees', mode: 'keyword' });
    expect((hits.hits as unknown[]).length).toBe(1);
  });

  it('ingests documents given inline and reports conflicts to the writer', async () => {
    t = testKb();
    await run('knowledge.ingest', {
      namespace: 'acme',
      documents: [{ source: 'a', text: 'Acme Corp has 4,500 employees as of 2021.' }],
    });
    const out = await run('knowledge.ingest', {
      namespace: 'acme',
      documents: [{ source: 'b', text: 'Acme Corp has 5,000 employees as of 2024.' }],
    });
    expect(out.conflicts).toEqual([
      expect.objectContaining({ predicate: 'employees', resolution: 'superseded-existing' }),
    ]);
  });

  it('refuses clearly when there is nothing to ingest or the input is bad', async () => {
    t = testKb();
    await expect(run('knowledge.ingest', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(run('knowledge.ingest', { corpusPath: '/nonexistent/corpus.json' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(run('knowledge.ingest', { documents: [{ text: 'no source' }] })).rejects.toMatchObject({
      code: 'KB_INVALID_DOCUMENT',
    });
    await expect(
      run('knowledge.ingest', { namespace: 'Bad NS', documents: [{ source: 'x', text: 'y' }] }),
    ).rejects.toMatchObject({ code: 'KB_INVALID_NAMESPACE' });
  });

  it('runs maintenance as a task', async () => {
    t = testKb();
    const report = await run('knowledge.maintain', { tasks: ['integrity'] });
    expect(report).toMatchObject({ integrity: { ok: true } });
  });
});
