import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { allRoutes } from '../../src/api/server.js';
import { SYSTEM_ROLES, type SystemRole } from '../../src/core/principal.js';
import { EXPECTED_ACCESS } from './expected-access.js';
import { openTestApi, type TestApi } from './helpers.js';
import { SAMPLES, type Sample } from './samples.js';

let api: TestApi;
let base: string;

beforeAll(async () => {
  api = await openTestApi();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const address = api.app.server.address();
  base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => api.close());

/** Opens a stream and reports its status, then hangs up. */
function streamStatus(sample: Sample, headers: Record<string, string>): Promise<number> {
  if (sample.stream === 'websocket') {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${base}${sample.url}`, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.on('error', (error) => reject(error));
    });
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(`http://${base}${sample.url}`, { headers }, (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
    );
    req.end();
  });
}

async function call(
  sample: Sample,
  headers: Record<string, string>,
): Promise<{ status: number; code?: string }> {
  if (sample.stream) return { status: await streamStatus(sample, headers) };
  const response = await api.app.inject({
    method: sample.method,
    url: sample.url,
    headers,
    ...(sample.body !== undefined ? { payload: sample.body as object } : {}),
  });
  const json = response.headers['content-type']?.toString().includes('json') ? response.json() : undefined;
  return { status: response.statusCode, code: json?.error?.code };
}

describe('route × role matrix', () => {
  const routes = allRoutes();

  it('has a sample request for every route, and every sample names a route', () => {
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !SAMPLES[id])).toEqual([]);
    expect(Object.keys(SAMPLES).filter((id) => !ids.includes(id))).toEqual([]);
    // The hand-written oracle covers the same routes (add a new route to expected-access.ts).
    expect(ids.filter((id) => !EXPECTED_ACCESS[id])).toEqual([]);
    expect(Object.keys(EXPECTED_ACCESS).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('walks every route with every role: allowed roles pass authorisation, the others get 403', async () => {
    const failures: string[] = [];
    let checks = 0;
    for (const route of routes) {
      const sample = SAMPLES[route.operationId]!;
      for (const role of SYSTEM_ROLES as readonly SystemRole[]) {
        const result = await call(sample, api.auth(role));
        checks++;
        const expected = EXPECTED_ACCESS[route.operationId]!;
        const allowed = expected === 'public' || expected.includes(role);
        if (allowed && (result.status === 401 || result.status === 403 || result.status >= 500)) {
          failures.push(
            `${role} ${sample.method} ${sample.url}: expected allowed, got ${result.status} ${result.code ?? ''}`,
          );
        }
        if (!allowed && (result.status !== 403 || (!sample.stream && result.code !== 'FORBIDDEN'))) {
          failures.push(
            `${role} ${sample.method} ${sample.url}: expected 403 FORBIDDEN, got ${result.status} ${result.code ?? ''}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checks).toBe(routes.length * SYSTEM_ROLES.length);
  });

  it('answers 401 to unauthenticated requests everywhere but /healthz, unknown paths included', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const sample = SAMPLES[route.operationId]!;
      const result = await call(sample, {});
      const expected = EXPECTED_ACCESS[route.operationId] === 'public' ? 200 : 401;
      if (result.status !== expected) failures.push(`${sample.method} ${sample.url}: ${result.status}`);
      if (expected === 401 && !sample.stream && result.code !== 'AUTH_REQUIRED')
        failures.push(`${sample.url}: code ${result.code}`);
    }
    expect(failures).toEqual([]);
    const unknown = await api.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(unknown.statusCode).toBe(401);
    const known = await api.app.inject({ method: 'GET', url: '/no/such/route', headers: api.auth('viewer') });
    expect(known.statusCode).toBe(404);
    expect(known.json().error.code).toBe('NOT_FOUND');
  });

  it('answers 401 AUTH_INVALID to wrong, malformed and revoked credentials', async () => {
    const made = await api.system.security.keys.create({ role: 'operator', createdBy: 'test' });
    const bad = [
      'Bearer mgk.key_00000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `Bearer ${made.key.slice(0, -2)}xx`,
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      'Token abc',
      'Basic dXNlcjpwYXNz',
    ];
    for (const authorization of bad) {
      const response = await api.app.inject({ method: 'GET', url: '/tasks', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json().error.code).toBe('AUTH_INVALID');
      expect(response.headers['www-authenticate']).toContain('Bearer');
    }
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: '/tasks',
          headers: { authorization: `Bearer ${made.key}` },
        })
      ).statusCode,
    ).toBe(200);
    await api.system.security.keys.revoke(made.record.id);
    const revoked = await api.app.inject({
      method: 'GET',
      url: '/tasks',
      headers: { authorization: `Bearer ${made.key}` },
    });
    expect(revoked.statusCode).toBe(401);
  });

  it('lets a browser read the docs with Basic auth, but never change anything with it', async () => {
    const basic = `Basic ${Buffer.from(`me:${api.keys.viewer}`).toString('base64')}`;
    const page = await api.app.inject({ method: 'GET', url: '/docs', headers: { authorization: basic } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const challenge = await api.app.inject({ method: 'GET', url: '/docs' });
    expect(challenge.headers['www-authenticate']).toContain('Basic');
    const adminBasic = `Basic ${Buffer.from(`me:${api.keys.admin}`).toString('base64')}`;
    const post = await api.app.inject({
      method: 'POST',
      url: '/keys',
      headers: { authorization: adminBasic },
      payload: { role: 'viewer' },
    });
    expect(post.statusCode).toBe(401);
    const get = await api.app.inject({ method: 'GET', url: '/keys', headers: { authorization: adminBasic } });
    expect(get.statusCode).toBe(401);
  });
});
