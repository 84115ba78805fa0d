import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SecurityService } from '../../src/security/service.js';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(() => api.close());

async function token(key: string): Promise<{ token: string; expiresAt: number }> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/auth/token',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

describe('session tokens', () => {
  it('are obtained with a key and act with its role', async () => {
    const { token: jwt, expiresAt } = await token(api.keys.analyst);
    expect(jwt.split('.')).toHaveLength(3);
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const who = await api.app.inject({
      method: 'GET',
      url: '/whoami',
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(who.json()).toMatchObject({ role: 'analyst', via: 'token' });
    const forbidden = await api.app.inject({
      method: 'GET',
      url: '/keys',
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const again = await api.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(again.statusCode).toBe(403);
  });

  it('stop working when their key is revoked', async () => {
    const made = await api.system.security.keys.create({ role: 'operator', createdBy: 'test' });
    const { token: jwt } = await token(made.key);
    const headers = { authorization: `Bearer ${jwt}` };
    expect((await api.app.inject({ method: 'GET', url: '/tasks', headers })).statusCode).toBe(200);
    const revoke = await api.app.inject({
      method: 'POST',
      url: `/keys/${made.record.id}/revoke`,
      headers: api.auth('admin'),
    });
    expect(revoke.json()).toMatchObject({ id: made.record.id, status: 'revoked' });
    const after = await api.app.inject({ method: 'GET', url: '/tasks', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('AUTH_INVALID');
  });

  it('expire after their lifetime, and never outlive their key', async () => {
    const clock = new ManualClock(Date.now());
    const config = { ...api.system.config.security, tokenTtlSeconds: 60 };
    const security = new SecurityService(
      api.system.security.store,
      api.system.encryption,
      api.system.events,
      config,
      clock,
    );
    const made = await security.keys.create({
      role: 'viewer',
      createdBy: 'test',
      expiresAt: clock.now() + 30_000,
    });
    const principal = await security.keys.verify(made.key);
    const issued = await security.tokens.issue(principal!);
    expect(issued.expiresAt).toBeLessThanOrEqual(clock.now() + 30_000);
    expect(await security.authenticate(issued.token)).toMatchObject({ role: 'viewer', via: 'token' });
    clock.advance(31_000);
    expect(await security.authenticate(issued.token)).toBeNull();
    expect(await security.authenticate(made.key)).toBeNull();

    const longer = await security.keys.create({ role: 'viewer', createdBy: 'test' });
    const second = await security.tokens.issue((await security.keys.verify(longer.key))!);
    clock.advance(59_000);
    expect(await security.authenticate(second.token)).not.toBeNull();
    clock.advance(2_000);
    expect(await security.authenticate(second.token)).toBeNull();
  });

  it('are refused when tampered with or signed by another secret', async () => {
    const { token: jwt } = await token(api.keys.viewer);
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    expect(
      (await api.app.inject({ method: 'GET', url: '/keys', headers: { authorization: `Bearer ${forged}` } }))
        .statusCode,
    ).toBe(401);
    const other = await openTestApi();
    try {
      const foreign = await other.app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: other.auth('admin'),
      });
      const response = await api.app.inject({
        method: 'GET',
        url: '/tasks',
        headers: { authorization: `Bearer ${foreign.json().token}` },
      });
      expect(response.statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });
});
