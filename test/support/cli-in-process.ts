import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/**
 * Runs `magnatronic --home <home> <args>` in this process and returns its exit code and output:
 * no process start-up per command, so CLI tests stay fast on a loaded machine.
 */
export async function runCli(
  home: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
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
