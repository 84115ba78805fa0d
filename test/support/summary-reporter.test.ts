import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const VITEST = resolve(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = resolve(import.meta.dirname, 'fixtures/reporter/vitest.config.ts');

/** Runs the fixture suite (failing hooks, skips, an unhandled rejection) in its own vitest. */
function runFixture(extra: string[] = []) {
  const result = spawnSync(process.execPath, [VITEST, 'run', '--config', CONFIG, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const output = `${result.stdout}${result.stderr}`;
  const summary = output.split('\n').find((line) => /^\d+ passed, \d+ failed/.test(line));
  return { code: result.status, output, summary };
}

describe('the summary reporter', { timeout: 300_000 }, () => {
  it('counts hook failures and unhandled rejections as failures and names every skipped test', () => {
    const run = runFixture(['hooks-and-skips']);
    expect(run.code).toBe(1);
    // 3 passed (afterAll's suite, the top-level pass, the unhandled-rejection test),
    // 3 failed (beforeAll, afterAll, the unhandled rejection), 2 left unrun by beforeAll,
    // 3 skipped (it.skip, ctx.skip, it.todo).
    expect(run.summary).toBe('3 passed, 3 failed, 2 not run, 3 skipped');
    expect(run.output).toContain(
      'error: hooks-and-skips.fixture.ts > a suite whose beforeAll throws: beforeAll failed',
    );
    expect(run.output).toContain(
      'error: hooks-and-skips.fixture.ts > a suite whose afterAll throws: afterAll failed',
    );
    expect(run.output).toContain('error: unhandled: nobody caught me');
    expect(run.output).toContain(
      'skipped (not in the allowlist): hooks-and-skips.fixture.ts > skips > is skipped on purpose',
    );
    expect(run.output).toContain(
      'skipped (not in the allowlist): hooks-and-skips.fixture.ts > skips > is still to write',
    );
    expect(run.output).toContain(
      'skipped: hooks-and-skips.fixture.ts > skips > is allowlisted (a listed reason)',
    );
    expect(run.output).toContain(
      '2 skipped test(s) are not in test/support/fixtures/reporter/skip-allowlist.json',
    );
  });

  it('fails a run whose only problem is an unlisted skip, except under a name filter', () => {
    const strict = runFixture(['only-a-skip']);
    expect(strict.summary).toBe('1 passed, 0 failed, 1 skipped');
    expect(strict.output).toContain(
      'skipped (not in the allowlist): only-a-skip.fixture.ts > is skipped without a listed reason',
    );
    expect(strict.code).toBe(1);
    // `-t` skips by design: the skipped tests are counted, not named, and do not fail the run.
    const filtered = runFixture(['only-a-skip', '-t', '^passes$']);
    expect(filtered.summary).toBe('1 passed, 0 failed, 1 skipped');
    expect(filtered.output).not.toContain('not in the allowlist');
    expect(filtered.code).toBe(0);
  });
});
