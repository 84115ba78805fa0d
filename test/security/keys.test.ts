import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MagnaError } from '../../src/core/errors.js';
import { parseExpiry } from '../../src/security/keys.js';
import { openTestApi, type TestApi } from '../api/helpers.js';
import { rawDb } from '../support/system.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('API keys', () => {
  it('are stored only as salted hashes: the key text is nowhere in the database file', async () => {
    api = await openTestApi();
    const made = await api.system.security.keys.create({
      role: 'agent',
      createdBy: 'test',
      namespaces: ['acme/research'],
    });
    expect(made.key).toMatch(/^mgk\.key_[0-9A-Z]{26}\.[\w-]{43}$/);
    rawDb(api.system).pragma('wal_checkpoint(TRUNCATE)');
    const raw = readFileSync(join(api.home, 'magnatronic.db'));
    const secret = made.key.split('.')[2]!;
    expect(raw.includes(Buffer.from(secret))).toBe(false);
    expect(raw.includes(Buffer.from(made.key))).toBe(false);
    // Two keys never share a salt, so equal hashes would not reveal equal keys.
    const rows = rawDb(api.system).prepare('SELECT salt, hash FROM api_keys').all() as Array<{
      salt: Buffer;
      hash: Buffer;
    }>;
    expect(new Set(rows.map((r) => r.salt.toString('hex'))).size).toBe(rows.length);
    expect(await api.system.security.authenticate(made.key)).toMatchObject({
      role: 'agent',
      namespaces: ['acme/research'],
      keyId: made.record.id,
    });
  });

  it('are listable without secrets, revocable, and expire', async () => {
    api = await openTestApi();
    const created = await api.app.inject({
      method: 'POST',
      url: '/keys',
      headers: api.auth('admin'),
      payload: { role: 'viewer', name: 'dashboard', expires: '1h' },
    });
    expect(created.statusCode).toBe(201);
    const { key, record } = created.json();
    expect(record).toMatchObject({ role: 'viewer', name: 'dashboard', status: 'active' });
    expect(record.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const listed = await api.app.inject({ method: 'GET', url: '/keys', headers: api.auth('admin') });
    expect(listed.body).not.toContain(key.split('.')[2]);
    expect(listed.body).not.toMatch(/"(hash|salt)"/);
    expect(listed.json().keys.map((k: { id: string }) => k.id)).toContain(record.id);
    const revoked = await api.app.inject({
      method: 'POST',
      url: `/keys/${record.id}/revoke`,
      headers: api.auth('admin'),
    });
    expect(revoked.json().status).toBe('revoked');
    expect(await api.system.security.authenticate(key)).toBeNull();
    const bad = await api.app.inject({
      method: 'POST',
      url: '/keys',
      headers: api.auth('admin'),
      payload: { role: 'viewer', namespaces: ['Not Valid'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('KB_INVALID_NAMESPACE');
  });

  it('parses expiry as a duration or an ISO date, and refuses anything else', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseExpiry('30d', now)).toBe(now + 30 * 86_400_000);
    expect(parseExpiry('12h', now)).toBe(now + 12 * 3_600_000);
    expect(parseExpiry('2027-01-01', now)).toBe(Date.UTC(2027, 0, 1));
    expect(() => parseExpiry('soon', now)).toThrow(MagnaError);
    expect(() => parseExpiry('-5d', now)).toThrow(MagnaError);
  });

  it('bootstrap an admin key on first start only: generated, or taken from the config', async () => {
    api = await openTestApi();
    // openTestApi made an admin key already: nothing more is created.
    expect(await api.system.security.ensureAdmin()).toEqual({ created: false });
    await api.close();

    api = await openTestApi({ security: { adminKey: 'configured-admin-key-123456' } });
    await api.system.security.keys.revoke(
      (await api.system.security.keys.list()).find((k) => k.role === 'admin')!.id,
    );
    const first = await api.system.security.ensureAdmin();
    expect(first).toEqual({ created: true, key: null, id: 'key_admin_config' });
    expect(await api.system.security.authenticate('configured-admin-key-123456')).toMatchObject({
      role: 'admin',
    });
    expect(await api.system.security.authenticate('configured-admin-key-12345X')).toBeNull();
    expect(await api.system.security.ensureAdmin()).toEqual({ created: false });
    // Revoked config key: a fresh random key, never the revoked one again.
    await api.system.security.keys.revoke('key_admin_config');
    const second = await api.system.security.ensureAdmin();
    expect(second.created && second.key).toMatch(/^mgk\./);
    expect(await api.system.security.authenticate('configured-admin-key-123456')).toBeNull();
  });
});
