import { connect } from '@nats-io/transport-node';
import { MessageBus } from '../src/bus/bus.js';
import type { Envelope } from '../src/bus/envelope.js';
import { MemoryMessageStore } from '../src/bus/memory/message-store.js';
import { NatsTransport } from '../src/bus/nats/transport.js';
import { EventHub } from '../src/core/events.js';
import { newId } from '../src/core/ids.js';
import { type BenchOptions, type BenchResult, percentile, round } from './harness.js';

/**
 * The NATS transport against raw nats.js on the same server (127.0.0.1:4222), in one run:
 *
 * - one-way throughput: one connection publishes, another subscribes, the clock stops when the
 *   last message arrives. The transport encodes each envelope to JSON and re-validates it on
 *   arrival (parseEnvelope); the raw peer publishes the same envelope's JSON bytes, encoded once,
 *   and its subscriber only JSON.parses them. Publishers stay at most 20,000 messages ahead.
 * - request/reply: sequential round trips between two processes' worth of connections; ours is
 *   bus.request() to an agent on another bus (mailbox, handler, reply envelope), the raw peer
 *   nc.request() answered by msg.respond().
 *
 * Targets (issue 13): throughput >= 50% of raw, request p99 <= 1 ms.
 */
export const name = 'bus-nats';

const URL = 'nats://127.0.0.1:4222';
const WINDOW = 20_000;

function sampleEnvelope(): Envelope {
  return {
    id: newId('msg'),
    performative: 'inform',
    sender: 'bench',
    receiver: 'agent:sink',
    conversationId: 'bench',
    priority: 5,
    createdAt: Date.now(),
    body: { n: 1, text: 'a small body of the size agents send' },
    headers: {},
  };
}

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

async function transportThroughput(count: number): Promise<number> {
  const prefix = `bench${newId().slice(-8).toLowerCase()}`;
  const [pub, sub] = await Promise.all([
    NatsTransport.connect({ url: URL, prefix }),
    NatsTransport.connect({ url: URL, prefix }),
  ]);
  let received = 0;
  sub.subscribe('agent.sink', () => {
    received++;
  });
  await sub.ready();
  const envelope = sampleEnvelope();
  const start = performance.now();
  for (let sent = 0; sent < count; ) {
    const batch = Math.min(1000, count - sent);
    for (let i = 0; i < batch; i++) pub.publish('agent.sink', envelope);
    sent += batch;
    await waitUntil(() => sent - received <= WINDOW);
  }
  await waitUntil(() => received >= count);
  const seconds = (performance.now() - start) / 1000;
  await Promise.all([pub.close(), sub.close()]);
  return count / seconds;
}

async function rawThroughput(count: number): Promise<number> {
  const subject = `bench${newId().slice(-8).toLowerCase()}.agent.sink`;
  const [pub, sub] = await Promise.all([connect({ servers: URL }), connect({ servers: URL })]);
  let received = 0;
  sub.subscribe(subject, {
    callback: (_error, msg) => {
      JSON.parse(new TextDecoder().decode(msg.data));
      received++;
    },
  });
  await sub.flush();
  const data = new TextEncoder().encode(JSON.stringify(sampleEnvelope()));
  const start = performance.now();
  for (let sent = 0; sent < count; ) {
    const batch = Math.min(1000, count - sent);
    for (let i = 0; i < batch; i++) pub.publish(subject, data);
    sent += batch;
    await waitUntil(() => sent - received <= WINDOW);
  }
  await waitUntil(() => received >= count);
  const seconds = (performance.now() - start) / 1000;
  await Promise.all([pub.drain(), sub.drain()]);
  return count / seconds;
}

async function busRequests(count: number): Promise<number[]> {
  const prefix = `bench${newId().slice(-8).toLowerCase()}`;
  const [t1, t2] = await Promise.all([
    NatsTransport.connect({ url: URL, prefix }),
    NatsTransport.connect({ url: URL, prefix }),
  ]);
  const make = (transport: NatsTransport) =>
    new MessageBus({ transport, store: new MemoryMessageStore(), events: new EventHub() });
  const [asker, answerer] = [make(t1), make(t2)];
  await answerer.registerAgent('echo', 'bench', (e) => e.body).ready;
  const latencies: number[] = [];
  for (let i = 0; i < count + 100; i++) {
    const envelope = {
      ...sampleEnvelope(),
      id: newId('msg'),
      receiver: 'agent:echo',
      performative: 'query' as const,
    };
    const start = performance.now();
    await asker.request(envelope, { timeoutMs: 5000 });
    if (i >= 100) latencies.push(performance.now() - start); // the first 100 warm up
  }
  await Promise.all([asker.close(), answerer.close()]);
  await Promise.all([t1.close(), t2.close()]);
  return latencies.sort((a, b) => a - b);
}

async function rawRequests(count: number): Promise<number[]> {
  const subject = `bench${newId().slice(-8).toLowerCase()}.echo`;
  const [client, server] = await Promise.all([connect({ servers: URL }), connect({ servers: URL })]);
  server.subscribe(subject, {
    callback: (_error, msg) => {
      msg.respond(msg.data);
    },
  });
  await server.flush();
  const data = new TextEncoder().encode(JSON.stringify(sampleEnvelope()));
  const latencies: number[] = [];
  for (let i = 0; i < count + 100; i++) {
    const start = performance.now();
    await client.request(subject, data, { timeout: 5000 });
    if (i >= 100) latencies.push(performance.now() - start);
  }
  await Promise.all([client.drain(), server.drain()]);
  return latencies.sort((a, b) => a - b);
}

export async function run(options: BenchOptions): Promise<BenchResult> {
  const messages = options.quick ? 20_000 : 200_000;
  const requests = options.quick ? 1_000 : 10_000;
  const runs = 3;
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternated so that a burst of load from elsewhere hits both.
    raw.push(await rawThroughput(messages));
    ours.push(await transportThroughput(messages));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rawRate = median(raw);
  const ourRate = median(ours);
  const rawLat = await rawRequests(requests);
  const busLat = await busRequests(requests);
  const ratio = ourRate / rawRate;
  const p99 = percentile(busLat, 99);
  return {
    name,
    rows: [
      { case: 'raw nats.js publish → subscribe (JSON.parse)', messages, 'msgs/s': Math.round(rawRate) },
      { case: 'NatsTransport publish → subscribe (parseEnvelope)', messages, 'msgs/s': Math.round(ourRate) },
      {
        case: 'raw nats.js request/reply (sequential)',
        messages: requests,
        'p50 ms': round(percentile(rawLat, 50), 3),
        'p99 ms': round(percentile(rawLat, 99), 3),
      },
      {
        case: 'bus.request over NATS → agent on another bus (sequential)',
        messages: requests,
        'p50 ms': round(percentile(busLat, 50), 3),
        'p99 ms': round(p99, 3),
      },
    ],
    verdicts: [
      `NATS transport / raw nats.js throughput ${round(ratio, 2)}x (target >= 0.5x): ${ratio >= 0.5 ? 'met' : 'not met'}`,
      `bus request p99 over NATS ${round(p99, 3)} ms (target <= 1 ms): ${p99 <= 1 ? 'met' : 'not met'}`,
    ],
    notes: [
      `throughput: medians of ${runs} alternating runs; both sides on the shared local nats-server, one connection each way`,
      'request latency after 100 warm-up requests; the bus path includes the mailbox, the handler and a reply envelope',
    ],
  };
}
