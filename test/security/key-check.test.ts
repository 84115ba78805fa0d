import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { openSystem } from '../../src/runtime/system.js';
import { generateKey } from '../../src/security/encryption.js';

const open = (home: string, encryptionKey: string) =>
  openSystem({
    overrides: { home, log: { level: 'silent' }, security: { encryptionKey } },
    logger: silentLogger(),
    builtins: false,
  });

describe('encryption key check value', () => {
  it('a wrong key stops the start with CRYPTO_KEY_MISMATCH; a rotation keyring starts and moves the check', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-keycheck-'));
    const [first, wrong] = [generateKey(), generateKey()];
    await (await open(home, first)).close();
    await expect(open(home, wrong)).rejects.toMatchObject({ code: 'CRYPTO_KEY_MISMATCH' });
    // The new key first, the old one kept to read old data: starts, and the check moves over.
    await (await open(home, `${wrong},${first}`)).close();
    await (await open(home, wrong)).close();
    await expect(open(home, first)).rejects.toMatchObject({ code: 'CRYPTO_KEY_MISMATCH' });
    rmSync(home, { recursive: true, force: true });
  });
});

describe('data file modes', () => {
  it('the database and a backup are readable by their owner only (0600)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-mode-'));
    const system = await open(home, generateKey());
    const backup = join(home, 'backup.mgnb');
    await system.admin.backup({ target: backup, artifactsRoot: system.artifacts.root });
    await system.close();
    expect(statSync(join(home, 'magnatronic.db')).mode & 0o777).toBe(0o600);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    rmSync(home, { recursive: true, force: true });
  });
});
