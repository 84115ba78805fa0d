import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSystem } from '../../src/runtime/system.js';
import { REPO_ROOT } from '../support/cli.js';

const TSX = pathToFileURL(resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TRACE = pathToFileURL(resolve(REPO_ROOT, 'test/support/import-trace.mjs')).href;

/** Runs the CLI from source and returns the packages it imported (bare specifiers, deduplicated). */
function packagesLoadedBy(
  args: string[],
  cwd = mkdtempSync(join(tmpdir(), 'magna-startup-')),
): { code: number | null; stdout: string; packages: Set<string> } {
  const trace = join(cwd, 'imports.txt');
  const result = spawnSync(
    process.execPath,
    ['--import', TRACE, '--import', TSX, resolve(REPO_ROOT, 'test/support/cli-entry.ts'), ...args],
    {
      cwd,
      env: { ...process.env, MAGNA_LOG_LEVEL: 'silent', MAGNA_TEST_IMPORT_TRACE: trace },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const lines = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
  return { code: result.status, stdout: result.stdout, packages: new Set(lines) };
}

// What a command that does not need them must not pay for: the NLP stacks (about 0.5-1 s to
// import on the 2-core machine), vega, the HTML tools, Fastify and its plugins.
const HEAVY = [
  'compromise',
  'wink-nlp',
  'wink-eng-lite-web-model',
  'vega',
  'vega-lite',
  'linkedom',
  'fastify',
  'sharp',
];

describe('CLI start-up loads only what a command needs', () => {
  it('--help loads commander and no store, NLP, chart or HTTP package', () => {
    const run = packagesLoadedBy(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('status');
    expect(run.packages.has('commander')).toBe(true);
    for (const name of [...HEAVY, 'better-sqlite3', 'pino', 'zod'])
      expect(run.packages.has(name), `--help imported ${name}`).toBe(false);
  });

  it('status --json opens the store without the NLP, chart or HTTP packages', async () => {
    // status reads an existing home (it never makes one): make it here, in this process.
    const cwd = mkdtempSync(join(tmpdir(), 'magna-startup-'));
    const system = await openSystem({
      overrides: { home: join(cwd, '.magnatronic'), log: { level: 'silent' } },
    });
    await system.close();
    const run = packagesLoadedBy(['status', '--json'], cwd);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).tasks.byState).toEqual({});
    expect(run.packages.has('better-sqlite3')).toBe(true);
    for (const name of HEAVY) expect(run.packages.has(name), `status imported ${name}`).toBe(false);
  });
});
