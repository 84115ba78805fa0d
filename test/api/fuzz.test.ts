import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/queue/types.js';
import { openTestApi, type TestApi } from './helpers.js';

/**
 * At least 2,000 malformed requests through app.inject (fixed seed, so a failure replays): broken
 * JSON, wrong types, unknown fields, huge bodies, bad UTF-8, odd content types, bad or missing
 * credentials. None may answer 5xx, the server must keep serving, and what was stored before
 * must still be there, unchanged.
 */
const RUNS = 2_000;
const BODY_LIMIT = 16 * 1024;

let api: TestApi;
let seeded: Task[];
let missionIds: string[];

beforeAll(async () => {
  api = await openTestApi({ server: { bodyLimitBytes: BODY_LIMIT } });
  seeded = [];
  for (let i = 0; i < 5; i++)
    seeded.push(await api.system.queue.enqueue({ skill: 'test.echo', input: { text: `seed ${i}` } }));
  missionIds = [];
  for (let i = 0; i < 2; i++)
    missionIds.push((await api.system.missions.create(`echo seed mission ${i}`)).id);
});
afterAll(() => api.close());

const paths = [
  '/tasks',
  '/tasks/redrive',
  '/missions',
  '/messages',
  '/keys',
  '/auth/token',
  '/audit',
  '/events/ws',
  '/tasks/%00',
  '/tasks/..%2F..%2Fetc',
  '/missions/x/artifacts/..%2F..%2Fmagnatronic.db',
  '/missions/x/artifacts/%ff%fe',
  '/docs/constructor',
  '/docs/__proto__',
  '/agents/%E0%A4%A/drain',
  '/no/such/thing',
  '/knowledge/documents',
  // NUL and control characters in path parameters (an artifact name reached the file system).
  '/missions/x/artifacts/a%00b.txt',
  '/missions/x%01/artifacts/report.md',
  '/tasks/task%1b%5b31m',
  '/keys/key%7f/revoke',
  '/agents/a%0d%0aSet-Cookie:x/drain',
];

const jsonText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"skill":',
    '[1,2',
    '{"a":1}}',
    'null',
    '""',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
  ),
  fc
    .record(
      {
        skill: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('test.echo')),
        goal: fc.oneof(fc.string(), fc.integer(), fc.array(fc.string())),
        input: fc.anything(),
        priority: fc.oneof(fc.integer(), fc.double(), fc.string()),
        role: fc.oneof(fc.constantFrom('admin', 'viewer', 'root'), fc.integer()),
        receiver: fc.oneof(fc.string(), fc.constant('topic:a.b')),
        performative: fc.oneof(fc.string(), fc.constant('inform')),
        unknownField: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

const body = fc.oneof(
  { weight: 6, arbitrary: jsonText.map((t) => Buffer.from(t, 'utf8')) },
  // Invalid UTF-8: lone continuation bytes, overlong forms, truncated sequences.
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((b) =>
        Buffer.concat([Buffer.from('{"goal":"'), Buffer.from([0xc0, 0xff, ...b]), Buffer.from('"}')]),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 4 })
      .map((n) => Buffer.from(`{"goal":"${'a'.repeat(n)}"}`)),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  // Deep nesting: past the 64-level limit, and far past it (a recursive parser's stack).
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 65, max: 6_000 })
      .map((n) =>
        Buffer.from(
          `{"namespace":"test","documents":[{"source":"d","text":"t","metadata":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}]}`,
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 65, max: 6_000 })
      .map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
  },
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH'),
  path: fc.constantFrom(...paths),
  query: fc.oneof(
    fc.constant(''),
    fc.string({ maxLength: 40 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
    fc.constantFrom(
      '?limit=-1',
      '?limit=abc',
      '?state=nope',
      '?limit=99999999999999999999',
      '?access_token=garbage',
    ),
  ),
  auth: fc.constantFrom(
    'admin',
    'viewer',
    'operator',
    'none',
    'garbage',
    'bearer-empty',
    'basic',
    'wrong-key',
    'long',
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
    'application/json; charset=latin1',
  ),
  body,
});

describe('fuzzing the API', () => {
  it(`answers ${RUNS} malformed requests without a 5xx and loses nothing`, async () => {
    const statuses = new Map<number, number>();
    const authHeader = (kind: string): Record<string, string> => {
      switch (kind) {
        case 'admin':
        case 'viewer':
        case 'operator':
          return api.auth(kind);
        case 'garbage':
          return { authorization: 'Bearer \u0000\u00ff garbage' };
        case 'bearer-empty':
          return { authorization: 'Bearer ' };
        case 'basic':
          return { authorization: 'Basic %%%' };
        case 'wrong-key':
          return { authorization: `Bearer ${api.keys.admin.slice(0, -4)}AAAA` };
        case 'long':
          return { authorization: `Bearer ${'x'.repeat(8000)}` };
        default:
          return {};
      }
    };
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...authHeader(r.auth) };
        if (r.contentType) headers['content-type'] = r.contentType;
        const response = await api.app.inject({
          method: r.method as 'GET',
          url: r.path + r.query,
          headers,
          ...(r.method === 'GET' ? {} : { payload: r.body }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          throw new Error(
            `${r.method} ${r.path}${r.query} (${r.auth}, ${r.contentType}) → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
        }
        if (response.statusCode >= 400) {
          const parsed = response.json() as { error?: { code?: string } };
          if (typeof parsed.error?.code !== 'string')
            throw new Error(`no error shape for ${r.method} ${r.path}: ${response.body.slice(0, 200)}`);
        }
      }),
      { numRuns: RUNS, seed: 20_260_101, endOnFailure: true },
    );
    // The mix really exercised rejections and acceptances.
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 401)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 413)).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);

    // Still serving, and everything stored before is still there, unchanged.
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const list = await api.app.inject({
      method: 'GET',
      url: '/tasks?limit=1000',
      headers: api.auth('viewer'),
    });
    expect(list.statusCode).toBe(200);
    for (const task of seeded) {
      const now = await api.system.queue.get(task.id);
      expect(now?.input).toEqual(task.input);
      expect(now?.state).toBe(task.state);
    }
    for (const id of missionIds) expect((await api.system.missions.get(id)).status).toBe('running');
    const keys = await api.system.security.keys.list();
    expect(keys.filter((k) => k.name.startsWith('test ') && k.status === 'active')).toHaveLength(5);
    expect((await api.system.security.audit.verify()).valid).toBe(true);
  });
});

describe('hostile input', () => {
  it('refuses a NUL or control character in a path parameter with 400', async () => {
    for (const url of [`/missions/${missionIds[0]}/artifacts/echo%00.txt`, '/tasks/task%0a', '/agents/%7f']) {
      const response = await api.app.inject({ method: 'GET', url, headers: api.auth('admin') });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses JSON nested deeper than 64 levels with 400 before processing, and accepts one within the limit', async () => {
    const doc = (depth: number) =>
      `{"namespace":"test","documents":[{"source":"deep-${depth}","text":"Deep text.","metadata":{"a":${'['.repeat(depth - 5)}1${']'.repeat(depth - 5)}}}]}`;
    const deep = await api.app.inject({
      method: 'POST',
      url: '/knowledge/documents',
      headers: { ...api.auth('admin'), 'content-type': 'application/json' },
      payload: doc(5_000),
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { maxDepth: 64 } });
    const atLimit = await api.app.inject({
      method: 'POST',
      url: '/knowledge/documents',
      headers: { ...api.auth('admin'), 'content-type': 'application/json' },
      payload: doc(64),
    });
    expect(atLimit.json().error?.details?.maxDepth).toBeUndefined();
  });
});
