import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/error-codes.js';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi({ server: { bodyLimitBytes: 4096 } });
});
afterAll(() => api.close());

function expectErrorShape(body: unknown): {
  code: string;
  message: string;
  details: Record<string, unknown>;
} {
  const error = (body as { error: { code: string; message: string; details: Record<string, unknown> } })
    .error;
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(Object.keys(ERROR_CODES)).toContain(error.code);
  expect(typeof error.message).toBe('string');
  expect(typeof error.details).toBe('object');
  return error;
}

describe('one error shape', () => {
  it('reports validation errors as 400 with field paths', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: api.auth('operator'),
      payload: { skill: 42, priority: 'high', bogus: true },
    });
    expect(response.statusCode).toBe(400);
    const error = expectErrorShape(response.json());
    expect(error.code).toBe('INVALID_ARGUMENT');
    const paths = (error.details.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.skill', 'body.priority', 'body']));
  });

  it('reports query and path errors with their part', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/tasks?limit=0&state=nope',
      headers: api.auth('viewer'),
    });
    expect(response.statusCode).toBe(400);
    const paths = (expectErrorShape(response.json()).details.issues as Array<{ path: string }>).map(
      (i) => i.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['query.limit', 'query.state']));
  });

  it('maps domain errors to their registry status', async () => {
    const unknownSkill = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: api.auth('operator'),
      payload: { skill: 'no.such.skill' },
    });
    expect(unknownSkill.statusCode).toBe(400);
    expect(expectErrorShape(unknownSkill.json()).code).toBe('QUEUE_UNKNOWN_SKILL');
    const badInput = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: api.auth('operator'),
      payload: { skill: 'test.echo', input: { text: 5 } },
    });
    expect(expectErrorShape(badInput.json()).code).toBe('QUEUE_INVALID_INPUT');
    const missing = await api.app.inject({
      method: 'GET',
      url: '/tasks/task_nope',
      headers: api.auth('viewer'),
    });
    expect(missing.statusCode).toBe(404);
    expect(expectErrorShape(missing.json()).code).toBe('NOT_FOUND');
    const noPlanner = await api.app.inject({
      method: 'POST',
      url: '/missions',
      headers: api.auth('analyst'),
      payload: { goal: 'paint the moon' },
    });
    expect(noPlanner.statusCode).toBe(400);
    expect(expectErrorShape(noPlanner.json()).code).toBe('MISSION_NO_PLANNER');
  });

  it('answers broken JSON with 400, a huge body with 413 and a foreign content type with 415', async () => {
    const headers = api.auth('operator');
    const broken = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"skill": "test.echo",',
    });
    expect(broken.statusCode).toBe(400);
    expect(expectErrorShape(broken.json()).code).toBe('INVALID_ARGUMENT');
    const huge = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ skill: 'test.echo', input: { text: 'x'.repeat(10_000) } }),
    });
    expect(huge.statusCode).toBe(413);
    expect(expectErrorShape(huge.json()).code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: { ...headers, 'content-type': 'application/xml' },
      payload: '<task/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(expectErrorShape(xml.json()).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const proto = await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"skill":"test.echo","__proto__":{"admin":true}}',
    });
    expect(proto.statusCode).toBe(400);
  });

  it('sends secure headers and no CORS headers by default', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const denied = await api.app.inject({ method: 'GET', url: '/tasks' });
    expect(denied.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('rate limits and CORS from config', () => {
  it('limits requests per key with 429 and Retry-After, other keys unaffected', async () => {
    const limited = await openTestApi({
      server: { rateLimitPerMinute: 3, corsOrigin: 'https://dash.example' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await limited.app.inject({ method: 'GET', url: '/tasks', headers: limited.auth('viewer') }))
            .statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const last = await limited.app.inject({
        method: 'GET',
        url: '/tasks',
        headers: limited.auth('viewer'),
      });
      expect(last.statusCode).toBe(429);
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      expect(expectErrorShape(last.json()).code).toBe('RATE_LIMITED');
      expect(
        (await limited.app.inject({ method: 'GET', url: '/tasks', headers: limited.auth('admin') }))
          .statusCode,
      ).toBe(200);
      // /healthz is never limited: probes must keep working.
      for (let i = 0; i < 5; i++)
        expect((await limited.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const preflight = await limited.app.inject({
        method: 'OPTIONS',
        url: '/tasks',
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example');
    } finally {
      await limited.close();
    }
  });
});
