import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { allRoutes } from '../../src/api/server.js';
import type { SystemRole } from '../../src/core/principal.js';
import { openTestApi, type TestApi } from './helpers.js';

/**
 * One visibility rule at every door. An admin writes a canary string into namespace
 * `acme/secret` through documents, a mission (its goal, result and artifact), a task and bus
 * messages. Callers of every other role, none holding a grant on `acme/secret`, then read every
 * GET route and listen on both event streams: the raw bytes they get must never hold the canary,
 * the admin's key id, or audit and security events.
 */
const CANARY = 'CANARY-b7e1-secret-sentence';
const OTHERS: SystemRole[] = ['operator', 'analyst', 'agent', 'viewer'];

let api: TestApi;
let base: string;
let adminKeyId: string;
const ids: Record<string, string> = {};
const streams = new Map<string, { raw: string[]; close(): void }>();

function openSse(key: string): { raw: string[]; ready: Promise<void>; close(): void } {
  const raw: string[] = [];
  let close = (): void => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const req = httpRequest(
      `http://${base}/events`,
      { headers: { authorization: `Bearer ${key}` } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw.push(chunk);
          resolve();
        });
      },
    );
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
    );
    req.end();
    close = () => req.destroy();
  });
  return { raw, ready, close: () => close() };
}

function openWs(key: string): { raw: string[]; ready: Promise<void>; close(): void } {
  const raw: string[] = [];
  const socket = new WebSocket(`ws://${base}/events/ws?access_token=${encodeURIComponent(key)}`);
  socket.on('message', (data) => raw.push(String(data)));
  const ready = new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  return { raw, ready, close: () => socket.close() };
}

/** Every stream has seen everything emitted before the marker once it has seen the marker. */
async function drainStreams(): Promise<void> {
  const marker = `marker-${Date.now()}`;
  api.system.events.emit('node:status', { nodeId: marker, status: 'stopped' });
  const deadline = Date.now() + 20_000;
  for (const [name, stream] of streams) {
    while (!stream.raw.join('').includes(marker)) {
      if (Date.now() > deadline) throw new Error(`stream ${name} never saw the marker`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

beforeAll(async () => {
  api = await openTestApi();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  base = `127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
  adminKeyId = (await api.system.security.keys.list()).find((k) => k.role === 'admin')!.id;

  for (const role of [...OTHERS, 'admin' as const]) {
    const sse = openSse(api.keys[role]);
    const ws = openWs(api.keys[role]);
    await Promise.all([sse.ready, ws.ready]);
    streams.set(`${role} sse`, sse);
    streams.set(`${role} ws`, ws);
  }

  const admin = api.auth('admin');
  const doc = await api.app.inject({
    method: 'POST',
    url: '/knowledge/documents',
    headers: admin,
    payload: {
      namespace: 'acme/secret',
      documents: [{ source: 'secret-memo', title: 'Memo', text: `The memo says ${CANARY} to Acme Corp.` }],
    },
  });
  expect(doc.statusCode).toBe(201);
  const mission = await api.app.inject({
    method: 'POST',
    url: '/missions',
    headers: admin,
    payload: { goal: `echo ${CANARY}`, options: { namespace: 'acme/secret' } },
  });
  expect(mission.statusCode).toBe(201);
  ids.mission = mission.json().id;
  const task = await api.app.inject({
    method: 'POST',
    url: '/tasks',
    headers: admin,
    payload: { skill: 'test.echo', input: { text: `task ${CANARY}` } },
  });
  expect(task.statusCode).toBe(201);
  ids.task = task.json().id;
  for (const receiver of ['agent:nobody-home', 'topic:acme.secret']) {
    const sent = await api.app.inject({
      method: 'POST',
      url: '/messages',
      headers: admin,
      payload: { receiver, performative: 'inform', body: { text: CANARY } },
    });
    expect(sent.statusCode).toBe(202);
  }
  // A failed login (a security event with a client address) and the audit records it writes.
  await api.app.inject({ method: 'GET', url: '/tasks', headers: { authorization: 'Bearer mgk.wrong' } });

  const node = api.system.createNode();
  await node.start();
  const deadline = Date.now() + 30_000;
  while ((await api.system.queue.get(ids.task!))?.state !== 'succeeded') {
    if (Date.now() > deadline) throw new Error('the task did not finish');
    await new Promise((r) => setTimeout(r, 20));
  }
  while ((await api.system.missions.get(ids.mission!)).status === 'running') {
    if (Date.now() > deadline) throw new Error('the mission did not finish');
    await new Promise((r) => setTimeout(r, 20));
  }
  await node.stop();
  await drainStreams();
}, 60_000);

afterAll(async () => {
  for (const stream of streams.values()) stream.close();
  await api.close();
});

/** Every GET route with its path parameters filled with the admin's records. */
function getUrls(): string[] {
  const urls: string[] = [];
  for (const route of allRoutes()) {
    if (route.method !== 'GET' || route.url.startsWith('/events')) continue;
    let url = route.url;
    if (url.startsWith('/tasks/')) url = url.replace(':id', ids.task!);
    else if (url.startsWith('/missions/')) url = url.replace(':id', ids.mission!).replace('*', 'echo.txt');
    else if (url.startsWith('/knowledge/documents/')) url = url.replace(':id', 'secret-memo');
    else if (url.includes(':')) url = url.replace(/:[a-z]+/g, 'x');
    if (url.startsWith('/knowledge/search') || url.startsWith('/knowledge/ask')) url += '?q=memo%20Acme';
    urls.push(url);
  }
  return urls;
}

describe('one visibility rule on every route and stream', () => {
  it('the admin sees the canary everywhere it was written (the check can fail)', async () => {
    const admin = api.auth('admin');
    for (const url of [
      `/tasks/${ids.task}`,
      `/missions/${ids.mission}/artifacts/echo.txt`,
      '/messages/dead-letters',
    ]) {
      const response = await api.app.inject({ method: 'GET', url, headers: admin });
      expect(response.body, url).toContain(CANARY);
    }
    expect(streams.get('admin sse')!.raw.join('')).toContain(CANARY);
    expect(streams.get('admin ws')!.raw.join('')).toContain('audit:record');
  });

  for (const role of OTHERS) {
    it(`a ${role} without a grant on acme/secret never receives its canary`, async () => {
      const headers = api.auth(role);
      const checked: string[] = [];
      for (const url of getUrls()) {
        // Agent keys write every namespace by default (trusted machine identities): their
        // knowledge reads are not "without a grant".
        if (role === 'agent' && url.startsWith('/knowledge')) continue;
        const response = await api.app.inject({ method: 'GET', url, headers });
        expect(response.body, `${role} GET ${url}`).not.toContain(CANARY);
        expect(response.body, `${role} GET ${url}`).not.toContain(adminKeyId);
        checked.push(url);
      }
      expect(checked).toEqual(expect.arrayContaining([`/tasks/${ids.task}`, '/tasks', '/missions']));
      for (const kind of ['sse', 'ws']) {
        const raw = streams.get(`${role} ${kind}`)!.raw.join('');
        expect(raw, `${role} ${kind}`).not.toContain(CANARY);
        expect(raw, `${role} ${kind}`).not.toContain(adminKeyId);
        expect(raw, `${role} ${kind}`).not.toContain('audit:record');
        expect(raw, `${role} ${kind}`).not.toContain('security:auth-failed');
        expect(raw, `${role} ${kind}`).not.toContain(ids.mission);
      }
    });
  }

  it('an analyst sees and cancels only their own missions; an operator cannot cancel the admin’s', async () => {
    const own = await api.app.inject({
      method: 'POST',
      url: '/missions',
      headers: api.auth('analyst'),
      payload: { goal: 'echo mine' },
    });
    const mine = own.json().id as string;
    const list = (
      await api.app.inject({ method: 'GET', url: '/missions', headers: api.auth('analyst') })
    ).json();
    expect(list.missions.map((m: { id: string }) => m.id)).toEqual([mine]);
    const cancelOther = await api.app.inject({
      method: 'POST',
      url: `/missions/${ids.mission}/cancel`,
      headers: api.auth('analyst'),
    });
    expect(cancelOther.statusCode).toBe(404);
    const cancelOwn = await api.app.inject({
      method: 'POST',
      url: `/missions/${mine}/cancel`,
      headers: api.auth('analyst'),
    });
    expect(cancelOwn.statusCode).toBe(200);
    // The operator holds a grant on `test` only; the admin's work could read every namespace.
    const operatorView = await api.app.inject({
      method: 'GET',
      url: `/missions/${mine}`,
      headers: api.auth('operator'),
    });
    expect(operatorView.statusCode).toBe(200);
    const operatorCancel = await api.app.inject({
      method: 'POST',
      url: `/missions/${ids.mission}/cancel`,
      headers: api.auth('operator'),
    });
    expect(operatorCancel.statusCode).toBe(404);
  });
});
