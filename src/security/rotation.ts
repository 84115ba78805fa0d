import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MagnaError } from '../core/errors.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';
import type { Encryptor } from './encryption.js';
import type { EncryptedColumn, SecurityStore } from './store-port.js';

export interface RotationReport {
  keyId: string;
  columns: Array<{ table: string; column: string; rewritten: number }>;
  artifacts: number;
}

/**
 * Re-encrypts everything still under an older key with the current (first) key of the keyring:
 * the registered columns, batch by batch, and every encrypted artifact file (rewritten through a
 * temporary file and a rename, so a crash leaves either the old or the new file). Safe to re-run:
 * values already under the current key are skipped.
 */
export async function rotateEncryption(options: {
  store: SecurityStore;
  encryptor: Encryptor;
  artifactsRoot: string;
  columns?: readonly EncryptedColumn[];
}): Promise<RotationReport> {
  const { store, encryptor } = options;
  const current = encryptor.currentKeyId;
  if (!current) {
    throw new MagnaError(
      'CRYPTO_KEY_MISSING',
      'No encryption key is configured; set MAGNA_ENCRYPTION_KEY or MAGNA_ENCRYPTION_KEY_FILE.',
    );
  }
  const columns: RotationReport['columns'] = [];
  for (const column of options.columns ?? ENCRYPTED_COLUMNS) {
    const rewritten = await store.reencryptColumn(column, current, (value) =>
      encryptor.encryptText(encryptor.decryptText(value)),
    );
    columns.push({ table: column.table, column: column.column, rewritten });
  }
  let artifacts = 0;
  const entries = await readdir(options.artifactsRoot, { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
    const path = join(entry.parentPath, entry.name);
    const content = await readFile(path);
    const keyId = encryptor.keyIdOf(content);
    if (keyId === null || keyId === current) continue;
    const temp = `${path}.${process.pid}.rotate.tmp`;
    await writeFile(temp, encryptor.encryptBytes(encryptor.decryptBytes(content)));
    await rename(temp, path);
    artifacts++;
  }
  return { keyId: current, columns, artifacts };
}
