import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/bus/envelope.js';
import { newId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openSystem } from '../../src/runtime/system.js';

describe('bus in the system', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is opened with the system and keeps durable messages in its database across a restart', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-bus-system-'));
    dirs.push(home);
    const first = await openSystem({ overrides: { home }, logger: silentLogger(), builtins: false });
    await first.bus.messagingFor('sender').send('agent:later', 'inform', { hi: 1 }, { durable: true });
    await first.close();

    const second = await openSystem({ overrides: { home }, logger: silentLogger(), builtins: false });
    const got: Envelope[] = [];
    const endpoint = second.bus.registerAgent('later', 'reader', (e) => {
      got.push(e);
    });
    await endpoint.ready;
    await new Promise((resolve) => setImmediate(resolve));
    expect(got.map((e) => [e.sender, e.body])).toEqual([['sender', { hi: 1 }]]);
    expect(second.bus.recent(5).map((e) => e.id)).toEqual([got[0]?.id]);
    await second.close();
  });

  it('joins processes over NATS when bus.url is set: a request from one is answered in the other', async () => {
    const prefix = `sys${newId().slice(-10).toLowerCase()}`;
    const open = () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-bus-nats-'));
      dirs.push(home);
      return openSystem({
        overrides: { home, bus: { url: 'nats://127.0.0.1:4222', prefix } },
        logger: silentLogger(),
        builtins: false,
      });
    };
    const [one, two] = await Promise.all([open(), open()]);
    try {
      await two.bus.registerAgent('echo', 'echoer', (e) => ({ echoed: e.body })).ready;
      const reply = await one.bus.messagingFor('asker').request('agent:echo', { n: 7 });
      expect(reply.body).toEqual({ echoed: { n: 7 } });
      expect(reply.sender).toBe('echo');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
