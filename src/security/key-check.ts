import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMagnaError, MagnaError } from '../core/errors.js';
import type { Encryptor } from './encryption.js';

/**
 * A key check value: a known text encrypted under the current key at first use, kept in the
 * home as `encryption-check` (mode 0600). Every start with a key decrypts it first; when none of
 * the configured keys opens it, the start stops with CRYPTO_KEY_MISMATCH before anything is
 * served or written under the wrong key. After a rotation (the old key kept as an older one) the
 * value is rewritten under the new current key.
 */
export const KEY_CHECK_FILE = 'encryption-check';
const CHECK_TEXT = 'magnatronic key check v1';

export function verifyKeyCheck(home: string, encryption: Encryptor): void {
  if (!encryption.enabled) return;
  const path = join(home, KEY_CHECK_FILE);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    let plain: string;
    try {
      plain = encryption.decryptText(stored);
    } catch (cause) {
      if (isMagnaError(cause, 'CRYPTO_KEY_MISSING') || isMagnaError(cause, 'CRYPTO_DECRYPT_FAILED')) {
        throw new MagnaError(
          'CRYPTO_KEY_MISMATCH',
          `This home's data was encrypted under key ${encryption.keyIdOf(stored) ?? '(unknown)'}, which is not in the configured keyring (current key ${encryption.currentKeyId}). Start with the right key, or add it as an older key to rotate.`,
          { cause, details: { expected: encryption.keyIdOf(stored), current: encryption.currentKeyId } },
        );
      }
      throw cause;
    }
    if (plain !== CHECK_TEXT) {
      throw new MagnaError(
        'CRYPTO_KEY_MISMATCH',
        `The key check value in ${path} is not one this program wrote.`,
      );
    }
    if (encryption.keyIdOf(stored) === encryption.currentKeyId) return;
  }
  writeFileSync(path, `${encryption.encryptText(CHECK_TEXT)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Makes a data file readable and writable by its owner only (0600), if it exists. */
export function restrictToOwner(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o600);
}
