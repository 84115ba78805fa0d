import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentSkill } from '../../src/agents/creative/index.js';
import type { SkillContext } from '../../src/agents/sdk.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import type { TestKb } from '../knowledge/helpers.js';
import { testKb } from '../knowledge/helpers.js';
import { skillContext, tempDir } from '../research/support.js';
import { NAMESPACE, seededKb } from './fixtures.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function context(t: TestKb, upstream: Record<string, unknown> = {}): { ctx: SkillContext; home: string } {
  const home = tempDir('magna-creative-');
  cleanup.push(() => rmSync(home, { recursive: true, force: true }));
  const ctx = {
    ...skillContext({ home, upstream }),
    principal: SYSTEM_PRINCIPAL,
    services: { knowledge: t.kb },
  };
  return { ctx, home };
}

function stored(home: string): string[] {
  const dir = join(home, 'artifacts', 'mission_1');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('creative.content', () => {
  it('stores Markdown and HTML, each with a manifest of inputs, method, sources and content hash', async () => {
    const t = await seededKb();
    cleanup.push(() => t.close());
    const { ctx, home } = context(t, { knowledge: { namespace: NAMESPACE } });
    const out = (await contentSkill.handler(
      contentSkill.input.parse({ format: 'brief', topic: 'company employees', audience: 'executive' }),
      ctx,
    )) as {
      markdownPath: string;
      sha256: string;
      sentences: number;
      dropped: number;
      readingEaseTarget: number;
    };
    expect(stored(home)).toEqual([
      'brief.html',
      'brief.html.manifest.json',
      'brief.md',
      'brief.md.manifest.json',
    ]);
    const markdown = readFileSync(out.markdownPath);
    const manifest = JSON.parse(readFileSync(`${out.markdownPath}.manifest.json`, 'utf8'));
    expect(manifest.sha256).toBe(createHash('sha256').update(markdown).digest('hex'));
    expect(out.sha256).toBe(manifest.sha256);
    expect(manifest).toMatchObject({
      kind: 'creative.brief',
      inputs: { format: 'brief', audience: 'executive', namespaces: [NAMESPACE] },
      label: [NAMESPACE],
    });
    expect(manifest.method.join(' ')).toContain('citation check');
    expect(manifest.sources.map((s: { url: string }) => s.url)).toContain('https://example.com/acme');
    expect(out.sentences).toBeGreaterThan(0);
    expect(out.readingEaseTarget).toBe(50);
  });

  it('an empty knowledge base is CREATIVE_NO_FACTS with nothing stored', async () => {
    const t = testKb();
    cleanup.push(() => t.close());
    const { ctx, home } = context(t);
    await expect(
      contentSkill.handler(
        contentSkill.input.parse({ format: 'brief', topic: 'x', namespaces: [NAMESPACE] }),
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'CREATIVE_NO_FACTS' });
    expect(stored(home)).toEqual([]);
  });
});
