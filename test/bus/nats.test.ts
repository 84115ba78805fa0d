import { describe, expect, it } from 'vitest';
import { NatsTransport } from '../../src/bus/nats/transport.js';
import { newId } from '../../src/core/ids.js';
import { busContract } from './bus-contract.js';
import { envelope, type TransportFactory, waitFor } from './helpers.js';
import { startNats } from './nats-server.js';
import { transportContract } from './transport-contract.js';

/** The shared NATS server (CI and every developer machine run one); each test gets its own prefix. */
const NATS_URL = 'nats://127.0.0.1:4222';

function prefix(): string {
  return `t${newId().slice(-12).toLowerCase()}`;
}

const nats: TransportFactory = {
  name: 'nats',
  create: () => NatsTransport.connect({ url: NATS_URL, prefix: prefix() }),
  pair: async () => {
    const shared = prefix();
    return Promise.all([
      NatsTransport.connect({ url: NATS_URL, prefix: shared }),
      NatsTransport.connect({ url: NATS_URL, prefix: shared }),
    ]);
  },
  knowsReceivers: false,
};

transportContract(nats);
busContract(nats);

describe('nats transport', () => {
  it('keeps systems on one server apart by prefix', async () => {
    const [a, b] = await Promise.all([nats.create(), nats.create()]);
    const got: string[] = [];
    a.subscribe('topic.>', (e) => got.push(`a:${e.body}`));
    b.subscribe('topic.>', (e) => got.push(`b:${e.body}`));
    await Promise.all([a.ready(), b.ready()]);
    a.publish('topic.x', envelope({ body: 1 }));
    b.publish('topic.x', envelope({ body: 2 }));
    await waitFor(() => got.length >= 2, 'both delivered');
    await a.ready();
    await b.ready();
    expect(got.sort()).toEqual(['a:1', 'b:2']);
    await Promise.all([a.close(), b.close()]);
  });

  it('drops a message that is not a valid envelope and reports it', async () => {
    const events: string[] = [];
    const shared = prefix();
    const receiving = await NatsTransport.connect({
      url: NATS_URL,
      prefix: shared,
      onEvent: (e) => events.push(e.type === 'invalid-message' ? `${e.type}:${e.error.code}` : e.type),
    });
    const got: string[] = [];
    receiving.subscribe('agent.a', (e) => got.push(e.id));
    await receiving.ready();
    const sending = await NatsTransport.connect({ url: NATS_URL, prefix: shared });
    const bad = { ...envelope(), priority: 42 };
    sending.publish('agent.a', bad);
    const good = envelope();
    sending.publish('agent.a', good);
    await waitFor(() => got.length === 1, 'the valid one');
    expect(got).toEqual([good.id]);
    expect(events).toEqual(['invalid-message:BUS_INVALID_ENVELOPE']);
    await Promise.all([receiving.close(), sending.close()]);
  });

  it('reconnects after the server restarts and keeps its subscriptions', async () => {
    const server = await startNats();
    const events: string[] = [];
    const url = `nats://127.0.0.1:${server.port}`;
    const receiving = await NatsTransport.connect({ url, onEvent: (e) => events.push(e.type) });
    const sending = await NatsTransport.connect({ url });
    try {
      const got: number[] = [];
      receiving.subscribe('topic.after', (e) => got.push(e.body as number));
      await receiving.ready();
      await server.restart();
      await waitFor(() => events.includes('reconnected'), 'receiver reconnected', 30_000);
      await receiving.ready();
      // The sender reconnects on its own schedule; publish until one arrives.
      await waitFor(
        () => {
          sending.publish('topic.after', envelope({ body: got.length + 1 }));
          return got.length > 0;
        },
        'a message after the restart',
        30_000,
      );
      expect(events).toContain('disconnected');
    } finally {
      await Promise.all([receiving.close(), sending.close()]);
      await server.stop();
    }
  }, 60_000);

  it('refuses a malformed URL or prefix with CONFIG_INVALID', async () => {
    for (const options of [
      { url: 'http://127.0.0.1:4222' },
      { url: 'nats://127.0.0.1:4222', prefix: 'a b' },
    ]) {
      const error = await NatsTransport.connect(options).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
