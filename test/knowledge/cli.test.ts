import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let home: string;

/** Runs `magnatronic --home <tmp> <args>` in this process; returns exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'magnatronic', '--home', home, ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = previous;
  }
}

beforeAll(() => {
  tmp = tempDir();
  home = join(tmp.dir, 'home');
  writeFileSync(
    join(tmp.dir, 'acme.txt'),
    'Acme Corp acquired Widget Inc. in 2021. Jane Smith is the CEO of Acme Corp. Acme Corp has 4,500 employees.',
  );
  writeFileSync(
    join(tmp.dir, 'docs.json'),
    JSON.stringify([
      {
        source: 'widget',
        title: 'Widget Inc',
        text: 'Widget Inc was founded in 1999. Widget Inc is headquartered in Berlin.',
      },
    ]),
  );
});
afterAll(() => tmp.remove());

describe('magnatronic kb', () => {
  it('ingest reads text files and JSON documents', async () => {
    const r = await cli(
      'kb',
      'ingest',
      join(tmp.dir, 'acme.txt'),
      join(tmp.dir, 'docs.json'),
      '--namespace',
      'acme/research',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      namespace: 'acme/research',
      counts: { documents: 2, created: 2 },
    });
    const human = await cli('kb', 'ingest', join(tmp.dir, 'acme.txt'), '--namespace', 'acme/research');
    expect(human.stdout).toContain('1 unchanged');
  });

  it('search, ask, entity and facts print JSON with --json and text without', async () => {
    const search = JSON.parse((await cli('kb', 'search', 'CEO', 'of', 'Acme', '--json')).stdout) as Array<{
      text: string;
    }>;
    expect(search[0]?.text).toContain('Jane Smith');
    const ask = JSON.parse(
      (await cli('kb', 'ask', 'Where', 'is', 'Widget', 'Inc', 'headquartered?', '--json')).stdout,
    ) as { found: boolean; answer: string };
    expect(ask).toMatchObject({ found: true });
    expect(ask.answer).toContain('Berlin');
    expect((await cli('kb', 'ask', 'What', 'is', 'the', 'airspeed', 'of', 'a', 'swallow?')).stdout).toContain(
      'not found',
    );
    const entity = JSON.parse((await cli('kb', 'entity', 'Acme Corp', '--hops', '1', '--json')).stdout) as {
      entity: { name: string };
      neighbourhood: { nodes: unknown[] };
    };
    expect(entity.entity.name).toBe('Acme Corp');
    expect(entity.neighbourhood.nodes.length).toBeGreaterThan(1);
    const facts = JSON.parse(
      (await cli('kb', 'facts', '--predicate', 'employees', '--json')).stdout,
    ) as Array<{ value: number }>;
    expect(facts.map((f) => f.value)).toEqual([4500]);
    expect((await cli('kb', 'facts', '--subject', 'Acme Corp')).stdout).toContain('ceo');
  });

  it('export and import round trip; N-Triples export', async () => {
    const file = join(tmp.dir, 'kb.jsonl');
    expect((await cli('kb', 'export', '--out', file, '--json')).code).toBe(0);
    const exported = readFileSync(file, 'utf8');
    const other = join(tmp.dir, 'other-home');
    const saved = home;
    home = other;
    try {
      expect(JSON.parse((await cli('kb', 'import', file, '--json')).stdout)).toMatchObject({ document: 2 });
      expect((await cli('kb', 'export')).stdout).toBe(exported);
    } finally {
      home = saved;
    }
    const nt = await cli('kb', 'export', '--format', 'ntriples');
    expect(nt.stdout).toMatch(
      /^<urn:magnatronic:kb:entity\/[^>]+> <http:\/\/www\.w3\.org\/2000\/01\/rdf-schema#label> "Acme Corp" \.$/m,
    );
  });

  it('check runs the integrity check (and duplicates on request)', async () => {
    const r = await cli('kb', 'check', '--duplicates', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ integrity: { ok: true }, duplicates: [] });
  });

  it('--as limits what is visible; grant opens a namespace', async () => {
    expect(JSON.parse((await cli('kb', 'search', 'Acme', '--as', 'key:carol', '--json')).stdout)).toEqual([]);
    expect((await cli('kb', 'grant', 'key:carol', 'acme', 'reader', '--json')).code).toBe(0);
    expect(
      JSON.parse((await cli('kb', 'search', 'Acme', '--as', 'key:carol', '--json')).stdout).length,
    ).toBeGreaterThan(0);
    const denied = await cli(
      'kb',
      'ingest',
      join(tmp.dir, 'acme.txt'),
      '--namespace',
      'acme',
      '--as',
      'key:carol',
      '--json',
    );
    expect(denied.code).toBe(77);
    expect(JSON.parse(denied.stdout)).toMatchObject({ error: { code: 'KB_FORBIDDEN' } });
  });

  it('bad input exits with the error code of its coded error', async () => {
    const ns = await cli('kb', 'ingest', join(tmp.dir, 'acme.txt'), '--namespace', 'Not Valid', '--json');
    expect(ns.code).toBe(2);
    expect(JSON.parse(ns.stdout)).toMatchObject({ error: { code: 'KB_INVALID_NAMESPACE' } });
    const missing = await cli('kb', 'ingest', join(tmp.dir, 'nope.txt'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('NOT_FOUND');
    const predicate = await cli('kb', 'facts', '--predicate', 'nonsense', '--json');
    expect(JSON.parse(predicate.stdout)).toMatchObject({ error: { code: 'KB_UNKNOWN_PREDICATE' } });
  });

  it('every subcommand has help', async () => {
    for (const sub of ['search', 'ask', 'entity', 'facts', 'ingest', 'export', 'import', 'check']) {
      const r = await cli('kb', sub, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--json');
    }
  });
});
