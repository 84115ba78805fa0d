import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import { EffectDispatcher, fileSink, webhookSink } from '../../src/runtime/effect-dispatcher.js';
import { cli } from '../support/cli.js';
import { testSystem, until } from '../support/system.js';

const EFFECTS = 5;

const notify = defineSkill({
  name: 'notify.send',
  description: 'Records one outbox effect per task.',
  input: z.object({ n: z.number().int() }),
  output: z.object({ n: z.number().int() }),
  async handler({ n }, ctx) {
    ctx.effect('notify.sent', `notify:${n}`, { n });
    return { n };
  },
});
const agent = defineAgent({ name: 'notify', role: 'worker', description: 'test', skills: [notify] });

/** A receiver that fails the first two requests, then answers 200 and counts each key once. */
async function flakyReceiver(): Promise<{
  url: string;
  server: Server;
  requests: string[];
  acted: Map<string, unknown>;
}> {
  const requests: string[] = [];
  const acted = new Map<string, unknown>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      requests.push(key);
      if (requests.length <= 2) {
        res.writeHead(500).end();
        return;
      }
      if (!acted.has(key)) acted.set(key, JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    server,
    requests,
    acted,
  };
}

describe('effect delivery', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('delivers each effect after commit, retrying a failing webhook, once per key for an idempotent receiver', async () => {
    const system = await testSystem({ agents: [agent] });
    cleanups.push(() => system.dispose());
    const receiver = await flakyReceiver();
    cleanups.push(() => new Promise((ok) => receiver.server.close(() => ok())));
    const node = system.createNode();
    await node.start();
    for (let n = 0; n < EFFECTS; n++) await system.queue.enqueue({ skill: 'notify.send', input: { n } });
    await until(async () => (await system.effects!.list({})).length === EFFECTS, 30_000, 'effects recorded');

    const file = join(system.home, 'effects.jsonl');
    const dispatcher = new EffectDispatcher(
      system.effects!,
      [
        { kind: 'notify.*', name: 'webhook', sink: webhookSink(receiver.url, 5_000) },
        { kind: 'other', name: 'file', sink: fileSink(file) },
      ],
      system.logger,
      10,
      () => 0, // no jitter: retries come at once, so the test waits for events, not time
    );
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    await until(
      async () => (await system.effects!.list({ pending: true })).length === 0,
      60_000,
      'all delivered',
    );

    // Two failed requests were retried; each key was acted on once, with its payload.
    expect(receiver.requests.length).toBe(EFFECTS + 2);
    expect([...receiver.acted.keys()].sort()).toEqual(
      Array.from({ length: EFFECTS }, (_, n) => `notify:${n}`),
    );
    expect(receiver.acted.get('notify:0')).toMatchObject({
      key: 'notify:0',
      kind: 'notify.sent',
      payload: { n: 0 },
    });
    const listed = await system.effects!.list({});
    expect(listed.every((e) => e.deliveredAt !== null)).toBe(true);

    // A retry sends it again under the same key: the receiver sees it, and still counts it once.
    const retried = cli(['--home', system.home, 'effects', 'retry', 'notify:3'], { cwd: system.home });
    expect(retried.code).toBe(0);
    await until(
      async () => (await system.effects!.list({ pending: true })).length === 0,
      60_000,
      'redelivered',
    );
    expect(receiver.requests.filter((k) => k === 'notify:3').length).toBeGreaterThanOrEqual(2);
    expect(receiver.acted.size).toBe(EFFECTS);

    const shown = cli(['--home', system.home, 'effects', 'list', '--json'], { cwd: system.home });
    expect(shown.code).toBe(0);
    expect((JSON.parse(shown.stdout) as unknown[]).length).toBe(EFFECTS);
    expect(() => readFileSync(file)).toThrow(); // no effect of kind "other": the file sink never wrote
  }, 180_000);
});
