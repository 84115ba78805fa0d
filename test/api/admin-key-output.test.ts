import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverAdminKey } from '../../src/api/admin-key-output.js';

function fakeStderr(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

describe('the generated admin key', () => {
  it('goes to stderr with a warning on a terminal, never to stdout', () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-key-'));
    const err = fakeStderr(true);
    deliverAdminKey('mgk.key_TEST.secret', home, err.stream);
    expect(err.text()).toContain('mgk.key_TEST.secret');
    expect(err.text()).toContain('keep it out of logs');
    rmSync(home, { recursive: true, force: true });
  });

  it('goes to a 0600 file without a terminal, and only the path is printed', () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-key-'));
    const err = fakeStderr(false);
    deliverAdminKey('mgk.key_TEST.secret', home, err.stream);
    const path = join(home, 'admin-key.txt');
    expect(readFileSync(path, 'utf8')).toBe('mgk.key_TEST.secret\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(err.text()).toContain(path);
    expect(err.text()).not.toContain('mgk.key_TEST.secret');
    rmSync(home, { recursive: true, force: true });
  });
});
