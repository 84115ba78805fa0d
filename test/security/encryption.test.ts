import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import {
  AesGcmEncryptor,
  createEncryptor,
  generateKey,
  keyringFromConfig,
  parseKey,
} from '../../src/security/encryption.js';
import { rotateEncryption } from '../../src/security/rotation.js';
import { openTestApi, type TestApi } from '../api/helpers.js';
import { rawDb } from '../support/system.js';

const work = mkdtempSync(join(tmpdir(), 'magna-crypto-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SECRET = 'the launch code is PURPLE-ELEPHANT-42';
const CANARY = 'this plain message is CANARY-ORANGE-7';

function rawBytes(home: string, system: TestApi['system']): Buffer {
  rawDb(system).pragma('wal_checkpoint(TRUNCATE)');
  const parts = [readFileSync(join(home, 'magnatronic.db'))];
  if (existsSync(join(home, 'magnatronic.db-wal')))
    parts.push(readFileSync(join(home, 'magnatronic.db-wal')));
  return Buffer.concat(parts);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isMagnaError(error) ? error.code : 'not a MagnaError';
  }
  return undefined;
}

describe('Encryptor', () => {
  const key = parseKey(generateKey());
  const encryptor = new AesGcmEncryptor([key]);

  it('round-trips text and bytes under a versioned key id, with a fresh nonce each time', () => {
    const a = encryptor.encryptText(SECRET);
    const b = encryptor.encryptText(SECRET);
    expect(a).toMatch(/^enc:v1:[0-9a-f]{16}:[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('PURPLE');
    expect(encryptor.keyIdOf(a)).toBe(encryptor.currentKeyId);
    expect(encryptor.decryptText(a)).toBe(SECRET);
    const bytes = encryptor.encryptBytes(Buffer.from(SECRET));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('MGNENC1\0');
    expect(encryptor.decryptBytes(bytes).toString()).toBe(SECRET);
    expect(encryptor.decryptText('written before encryption')).toBe('written before encryption');
  });

  it('refuses tampered ciphertext and data under a key it does not hold', () => {
    const sealed = encryptor.encryptText(SECRET);
    const body = Buffer.from(sealed.split(':')[3]!, 'base64url');
    body[body.length - 1]! ^= 1;
    const tampered = `${sealed.split(':').slice(0, 3).join(':')}:${body.toString('base64url')}`;
    expect(codeOf(() => encryptor.decryptText(tampered))).toBe('CRYPTO_DECRYPT_FAILED');
    const stranger = new AesGcmEncryptor([parseKey(generateKey())]);
    expect(codeOf(() => stranger.decryptText(sealed))).toBe('CRYPTO_KEY_MISSING');
    expect(codeOf(() => new AesGcmEncryptor([]).decryptText(sealed))).toBe('CRYPTO_KEY_MISSING');
    expect(new AesGcmEncryptor([]).encryptText(SECRET)).toBe(SECRET);
  });

  it('reads keys as hex or base64, from config or a key file whose first key is current', () => {
    const hex = key.toString('hex');
    expect(parseKey(hex).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(codeOf(() => parseKey('too-short'))).toBe('CONFIG_INVALID');
    const older = generateKey();
    const file = join(work, 'keys.txt');
    writeFileSync(file, `# current first\n${hex}\n${older}\n`);
    const ring = keyringFromConfig({ encryptionKeyFile: file, tokenTtlSeconds: 900 });
    expect(ring.map((k) => k.toString('hex'))).toEqual([hex, parseKey(older).toString('hex')]);
    expect(createEncryptor({ encryptionKey: `${hex},${older}`, tokenTtlSeconds: 900 }).currentKeyId).toBe(
      encryptor.currentKeyId,
    );
    expect(
      codeOf(() => keyringFromConfig({ encryptionKeyFile: join(work, 'missing'), tokenTtlSeconds: 900 })),
    ).toBe('CONFIG_INVALID');
  });
});

describe('encryption at rest', () => {
  it('leaves no known plaintext of sensitive messages or artifacts in the raw files', async () => {
    const home = join(work, 'raw');
    const api = await openTestApi({ security: { encryptionKey: generateKey() } }, { home });
    try {
      for (const [body, sensitive] of [
        [SECRET, true],
        [CANARY, false],
      ] as const) {
        const sent = await api.app.inject({
          method: 'POST',
          url: '/messages',
          headers: api.auth('operator'),
          payload: {
            receiver: 'agent:vault',
            performative: 'inform',
            body: { text: body },
            durable: true,
            sensitive,
          },
        });
        expect(sent.statusCode).toBe(202);
      }
      const mission = await api.system.missions.create('echo artifacts');
      const path = await api.system.artifacts.write(mission.id, 'secret.txt', SECRET);
      expect(readFileSync(path).includes(Buffer.from('PURPLE-ELEPHANT'))).toBe(false);
      const download = await api.app.inject({
        method: 'GET',
        url: `/missions/${mission.id}/artifacts/secret.txt`,
        // The node's own mission: only admins see it (docs/security.md, one visibility rule).
        headers: api.auth('admin'),
      });
      expect(download.body).toBe(SECRET);

      const raw = rawBytes(home, api.system);
      // The search works (the unmarked message is there in clear)...
      expect(raw.includes(Buffer.from('CANARY-ORANGE-7'))).toBe(true);
      // ...and finds nothing of the sensitive one.
      expect(raw.includes(Buffer.from('PURPLE-ELEPHANT'))).toBe(false);
      expect(raw.includes(Buffer.from('launch code'))).toBe(false);
      // Readers get the plaintext back.
      const stored = (await rawDb(api.system)
        .prepare('SELECT envelope FROM bus_messages ORDER BY seq')
        .all()) as Array<{ envelope: string }>;
      const encrypted = stored.filter((r) => r.envelope.startsWith('enc:v1:'));
      expect(encrypted).toHaveLength(1);
      expect(JSON.parse(api.system.encryption.decryptText(encrypted[0]!.envelope)).body.text).toBe(SECRET);
    } finally {
      await api.close();
    }
  });

  it('rotates to a new key: everything is rewritten and stays readable without the old key', async () => {
    const home = join(work, 'rotate');
    const oldKey = generateKey();
    const newKey = generateKey();
    let api = await openTestApi({ security: { encryptionKey: oldKey } }, { home });
    const oldId = api.system.encryption.currentKeyId;
    await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: api.auth('operator'),
      payload: {
        receiver: 'agent:vault',
        performative: 'inform',
        body: { text: SECRET },
        durable: true,
        sensitive: true,
      },
    });
    const mission = await api.system.missions.create('echo rotate');
    await api.system.artifacts.write(mission.id, 'secret.txt', SECRET);
    const token = (
      await api.app.inject({ method: 'POST', url: '/auth/token', headers: api.auth('viewer') })
    ).json().token as string;
    await api.close();

    api = await openTestApi({ security: { encryptionKey: `${newKey},${oldKey}` } }, { home });
    const newId = api.system.encryption.currentKeyId;
    expect(newId).not.toBe(oldId);
    const report = await rotateEncryption({
      store: api.system.security.store,
      encryptor: api.system.encryption,
      artifactsRoot: api.system.artifacts.root,
    });
    expect(report.keyId).toBe(newId);
    const rewritten = Object.fromEntries(report.columns.map((c) => [`${c.table}.${c.column}`, c.rewritten]));
    expect(rewritten['security_settings.value']).toBe(1);
    expect(rewritten['bus_messages.envelope']).toBe(1);
    expect(report.artifacts).toBe(1);
    // A second run finds nothing left to do.
    const again = await rotateEncryption({
      store: api.system.security.store,
      encryptor: api.system.encryption,
      artifactsRoot: api.system.artifacts.root,
    });
    expect(again.columns.every((c) => c.rewritten === 0) && again.artifacts === 0).toBe(true);
    await api.close();

    api = await openTestApi({ security: { encryptionKey: newKey } }, { home });
    try {
      const row = rawDb(api.system).prepare('SELECT envelope FROM bus_messages').get() as {
        envelope: string;
      };
      expect(api.system.encryption.keyIdOf(row.envelope)).toBe(newId);
      expect(JSON.parse(api.system.encryption.decryptText(row.envelope)).body.text).toBe(SECRET);
      expect((await api.system.artifacts.read(mission.id, 'secret.txt')).toString()).toBe(SECRET);
      // The token signing secret was re-encrypted, not replaced: old session tokens stay valid.
      const who = await api.app.inject({
        method: 'GET',
        url: '/whoami',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(who.statusCode).toBe(200);
    } finally {
      await api.close();
    }

    // The old key alone no longer opens the home: the start stops before serving anything.
    await expect(openTestApi({ security: { encryptionKey: oldKey } }, { home })).rejects.toMatchObject({
      code: 'CRYPTO_KEY_MISMATCH',
    });
  });
});
