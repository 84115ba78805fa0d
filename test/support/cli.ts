import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
// An absolute loader URL, so the child can run from any working directory.
const TSX = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
// Maps `import 'magnatronic'` in agent modules to src/index.ts: the test never depends on dist/.
const FROM_SOURCE = pathToFileURL(resolve(ROOT, 'test/support/register-source.mjs')).href;

/** Runs `magnatronic <args>` from source in a child process and returns what it printed. */
export function cli(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const result = spawnSync(
    process.execPath,
    ['--import', TSX, '--import', FROM_SOURCE, resolve(ROOT, 'test/support/cli-entry.ts'), ...args],
    {
      cwd: options.cwd,
      env: { ...process.env, MAGNA_LOG_LEVEL: 'silent', ...options.env },
      encoding: 'utf8',
      // One launch from source costs seconds of CPU; on 2 busy cores, far more.
      timeout: 240_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const REPO_ROOT = ROOT;
/** Per-test timeout for tests that launch the CLI a few times: sized for a loaded 2-core machine. */
export const CLI_TEST_TIMEOUT = 600_000;
