import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_FAILURES_PER_WINDOW } from '../../src/api/auth-throttle.js';
import { openTestApi, type TestApi } from './helpers.js';

/**
 * 200 wrong keys from one address: the first AUTH_FAILURES_PER_WINDOW answer 401 (each may cost
 * one scrypt), the rest 429 with Retry-After and no key check; the audit log grows by a bounded
 * number of rows (one on the first failure, one summary with the count), not one per request.
 */
let api: TestApi;
let adminKeyId: string;

beforeAll(async () => {
  api = await openTestApi();
  adminKeyId = (await api.system.security.keys.list()).find((k) => k.role === 'admin')!.id;
});
afterAll(() => api.close());

async function auditRows(): Promise<number> {
  return (await api.system.security.audit.list({ limit: 10_000 })).length;
}

describe('authentication throttling', () => {
  it('answers 429 with Retry-After after the threshold and keeps the audit log bounded', async () => {
    // The admin's key is in use before the flood starts.
    expect(
      (await api.app.inject({ method: 'GET', url: '/tasks', headers: api.auth('admin') })).statusCode,
    ).toBe(200);
    const before = await auditRows();
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 200; i++) {
      // A real key id with a wrong secret: the costly case (the id's row exists, so scrypt runs).
      const wrong = `mgk.${adminKeyId}.${randomBytes(32).toString('base64url')}`;
      const response = await api.app.inject({
        method: i % 2 ? 'GET' : 'POST',
        url: i % 2 ? '/tasks' : '/missions',
        headers: { authorization: `Bearer ${wrong}` },
        ...(i % 2 ? {} : { payload: { goal: 'echo x' } }),
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        retryAfter = response.headers['retry-after'] as string;
        expect(response.json().error.code).toBe('RATE_LIMITED');
      }
    }
    expect(statuses.slice(0, AUTH_FAILURES_PER_WINDOW).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(AUTH_FAILURES_PER_WINDOW).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);

    // The real key still works, from the flooded address and another (its text was verified
    // before the flood, so it costs no scrypt); an unknown key from the flooded address does not.
    const stranger = await api.app.inject({ method: 'GET', url: '/tasks', headers: api.auth('viewer') });
    expect(stranger.statusCode).toBe(429);
    const legit = await api.app.inject({ method: 'GET', url: '/tasks', headers: api.auth('admin') });
    expect(legit.statusCode).toBe(200);
    const elsewhere = await api.app.inject({
      method: 'GET',
      url: '/tasks',
      headers: api.auth('admin'),
      remoteAddress: '192.0.2.7',
    });
    expect(elsewhere.statusCode).toBe(200);

    // One row for the first failure so far; the summary is written when the window closes.
    expect((await auditRows()) - before).toBeLessThanOrEqual(2);
    await api.app.close();
    const rows = await api.system.security.audit.list({ limit: 10_000 });
    expect(rows.length - before).toBeLessThanOrEqual(3);
    // 199 of the flood and the stranger after the first failure.
    const summary = rows.find((r) => r.action === 'auth.failures');
    expect(summary && JSON.parse(summary.details ?? '{}').count).toBe(200);
  });
});
