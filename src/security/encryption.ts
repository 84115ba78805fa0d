import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MagnaConfig } from '../core/config.js';
import { MagnaError } from '../core/errors.js';

/**
 * Encryption at rest: AES-256-GCM with a random 96-bit nonce per value and a 128-bit tag.
 *
 * Every ciphertext names the key that made it (the key id, the first 8 bytes of SHA-256 of the
 * key, in hex), so a keyring of several keys can read old data while new data uses the first
 * (current) key; `magnatronic keys rotate-encryption` then rewrites what is still under an old
 * key. Two encodings of the same layout:
 *  - text (database columns): `enc:v1:<keyId>:<base64url(nonce | tag | ciphertext)>`
 *  - bytes (artifact files):  `MGNENC1\0` | keyId (8 raw bytes) | nonce (12) | tag (16) | ciphertext
 *
 * A value without the marker is plaintext written before encryption was turned on; it is
 * returned as is, so enabling encryption never makes old data unreadable.
 */
export interface Encryptor {
  /** True when a key is configured; otherwise encrypt* pass values through unchanged. */
  readonly enabled: boolean;
  /** Id of the key new values are encrypted under, or null when disabled. */
  readonly currentKeyId: string | null;
  encryptText(plain: string): string;
  decryptText(stored: string): string;
  encryptBytes(plain: Uint8Array): Buffer;
  decryptBytes(stored: Uint8Array): Buffer;
  /** The key id a stored value was encrypted under, or null for plaintext. */
  keyIdOf(stored: string | Uint8Array): string | null;
}

const TEXT_PREFIX = 'enc:v1:';
const BYTES_MAGIC = Buffer.from('MGNENC1\0', 'latin1');
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/** Parses one key: 64 hex characters or base64/base64url of exactly 32 bytes. */
export function parseKey(text: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(value) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(value))) {
    throw new MagnaError(
      'CONFIG_INVALID',
      'An encryption key must be 32 bytes, written as 64 hex characters or base64.',
      {
        details: { field: 'security.encryptionKey' },
      },
    );
  }
  return key;
}

/** A fresh random key in the text form `parseKey` reads (base64). */
export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The keyring from config: `security.encryptionKey` (comma-separated) or `security.encryptionKeyFile`
 * (one key per line, `#` comments allowed). The first key is current; the rest only decrypt.
 */
export function keyringFromConfig(security: MagnaConfig['security']): Buffer[] {
  let texts: string[] = [];
  if (security.encryptionKey) texts = security.encryptionKey.split(',');
  else if (security.encryptionKeyFile) {
    let content: string;
    try {
      content = readFileSync(security.encryptionKeyFile, 'utf8');
    } catch (cause) {
      throw new MagnaError(
        'CONFIG_INVALID',
        `Cannot read the encryption key file ${security.encryptionKeyFile}.`,
        {
          cause,
          details: { field: 'security.encryptionKeyFile' },
        },
      );
    }
    texts = content.split('\n').filter((line) => !line.trim().startsWith('#'));
  }
  return texts
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map(parseKey);
}

export class AesGcmEncryptor implements Encryptor {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string | null;

  constructor(keyring: readonly Buffer[]) {
    for (const key of keyring) {
      if (key.length !== 32) throw new MagnaError('CONFIG_INVALID', 'An encryption key must be 32 bytes.');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyring[0] ? keyIdOf(keyring[0]) : null;
  }

  get enabled(): boolean {
    return this.currentKeyId !== null;
  }

  /** Key ids this keyring can decrypt, current first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encryptText(plain: string): string {
    if (!this.currentKeyId) return plain;
    const { nonce, tag, ciphertext } = this.seal(Buffer.from(plain, 'utf8'));
    return `${TEXT_PREFIX}${this.currentKeyId}:${Buffer.concat([nonce, tag, ciphertext]).toString('base64url')}`;
  }

  decryptText(stored: string): string {
    if (!stored.startsWith(TEXT_PREFIX)) return stored;
    const rest = stored.slice(TEXT_PREFIX.length);
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, colon);
    const packed = Buffer.from(rest.slice(colon + 1), 'base64url');
    if (colon !== KEY_ID_BYTES * 2 || packed.length < NONCE_BYTES + TAG_BYTES) {
      throw new MagnaError('CRYPTO_DECRYPT_FAILED', 'An encrypted value is malformed.');
    }
    return this.open(keyId, packed).toString('utf8');
  }

  encryptBytes(plain: Uint8Array): Buffer {
    if (!this.currentKeyId) return Buffer.from(plain);
    const { nonce, tag, ciphertext } = this.seal(plain);
    return Buffer.concat([BYTES_MAGIC, Buffer.from(this.currentKeyId, 'hex'), nonce, tag, ciphertext]);
  }

  decryptBytes(stored: Uint8Array): Buffer {
    const buffer = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (!hasMagic(buffer)) return Buffer.from(buffer);
    if (buffer.length < BYTES_MAGIC.length + KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES) {
      throw new MagnaError('CRYPTO_DECRYPT_FAILED', 'An encrypted file is truncated.');
    }
    const keyId = buffer.subarray(BYTES_MAGIC.length, BYTES_MAGIC.length + KEY_ID_BYTES).toString('hex');
    return this.open(keyId, buffer.subarray(BYTES_MAGIC.length + KEY_ID_BYTES));
  }

  keyIdOf(stored: string | Uint8Array): string | null {
    if (typeof stored === 'string') {
      return stored.startsWith(TEXT_PREFIX)
        ? stored.slice(TEXT_PREFIX.length, TEXT_PREFIX.length + KEY_ID_BYTES * 2)
        : null;
    }
    const buffer = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    return hasMagic(buffer)
      ? buffer.subarray(BYTES_MAGIC.length, BYTES_MAGIC.length + KEY_ID_BYTES).toString('hex')
      : null;
  }

  private seal(plain: Uint8Array): { nonce: Buffer; tag: Buffer; ciphertext: Buffer } {
    const key = this.keys.get(this.currentKeyId!)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { nonce, tag: cipher.getAuthTag(), ciphertext };
  }

  /** `packed` is nonce | tag | ciphertext. */
  private open(keyId: string, packed: Buffer): Buffer {
    const key = this.keys.get(keyId);
    if (!key) {
      throw new MagnaError(
        'CRYPTO_KEY_MISSING',
        this.enabled
          ? `Data is encrypted under key ${keyId}, which is not in the configured keyring; add it as an older key.`
          : `Data is encrypted under key ${keyId} but no encryption key is configured (MAGNA_ENCRYPTION_KEY or MAGNA_ENCRYPTION_KEY_FILE).`,
        { details: { keyId } },
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(packed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(packed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (cause) {
      throw new MagnaError(
        'CRYPTO_DECRYPT_FAILED',
        `A value under key ${keyId} does not decrypt: tampered or corrupted.`,
        {
          cause,
          details: { keyId },
        },
      );
    }
  }
}

function hasMagic(buffer: Buffer): boolean {
  return buffer.length >= BYTES_MAGIC.length && buffer.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC);
}

export function createEncryptor(security: MagnaConfig['security']): AesGcmEncryptor {
  return new AesGcmEncryptor(keyringFromConfig(security));
}
