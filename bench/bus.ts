import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageBus } from '../src/bus/bus.js';
import type { Envelope } from '../src/bus/envelope.js';
import { MemoryMessageStore } from '../src/bus/memory/message-store.js';
import { MemoryTransport } from '../src/bus/memory/transport.js';
import type { MessageStore } from '../src/bus/message-store.js';
import { EventHub } from '../src/core/events.js';
import { newId } from '../src/core/ids.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { SqliteMessageStore } from '../src/store/sqlite/message-store.js';
import { type BenchOptions, type BenchResult, percentile, round } from './harness.js';

export const name = 'bus';

/** The in-process target: direct messages through an agent's mailbox to its handler. */
const TARGET_MSGS_PER_SECOND = 1_000_000;
/** Sends between yields: the mailbox drains in a microtask, so this bounds the queue's length. */
const CHUNK = 4096;

/**
 * In-process bus figures, each measured three times (the median is reported):
 * - direct: `bus.send` to `agent:sink` → priority mailbox → no-op handler, end to end;
 * - role: the same through a queue group of four agents (least-loaded pick per message);
 * - fan-out: one publish on `topic:metrics.<n>.cpu` reaching 10 wildcard subscribers;
 * - accept: the validating entry for untrusted input (zod on every message);
 * - durable: stored in SQLite (WAL) before delivery and acknowledged after the handler;
 * - request/reply: sequential round trips, latency per request;
 * - peer: Node's EventEmitter calling a no-op listener, the floor of any in-process dispatch.
 * Envelopes are built before the clock starts: the figures are the bus's own cost.
 */
export async function run(options: BenchOptions): Promise<BenchResult> {
  const n = options.quick ? 100_000 : 1_000_000;
  const rows: BenchResult['rows'] = [];

  const direct = median(await repeat(() => directRun(n)));
  rows.push(row('direct send → mailbox → handler', n, direct, 1));
  const role = median(await repeat(() => roleRun(n)));
  rows.push(row('role send (queue group of 4)', n, role, 1));
  const fanoutN = Math.floor(n / 10);
  const fanout = median(await repeat(() => fanoutRun(fanoutN, 10)));
  rows.push(row('publish, fan-out to 10 wildcard subscribers', fanoutN, fanout, 10));
  const acceptN = Math.floor(n / 10);
  const accepted = median(await repeat(() => acceptRun(acceptN)));
  rows.push(row('accept (validated) → handler', acceptN, accepted, 1));
  const durableN = options.quick ? 2_000 : 20_000;
  const durable = median(await repeat(() => durableRun(durableN)));
  rows.push(row('durable send (SQLite) → handler → ack', durableN, durable, 1));
  const emitter = median(await repeat(async () => emitterRun(n)));
  rows.push(row('peer: EventEmitter.emit → no-op listener', n, emitter, 1));

  const requests = options.quick ? 5_000 : 50_000;
  const latencies = await requestReplyRun(requests);
  rows.push({
    case: 'request/reply round trip (sequential)',
    messages: requests,
    'msgs/s': round(requests / (latencies.reduce((a, b) => a + b, 0) / 1e6)),
    'p50 µs': round(percentile(latencies, 50), 1),
    'p99 µs': round(percentile(latencies, 99), 1),
  });

  const directRate = n / direct;
  return {
    name,
    rows,
    verdicts: [
      `bus direct messages in process ${Math.round(directRate).toLocaleString('en-US')} msgs/s (target >= ${TARGET_MSGS_PER_SECOND.toLocaleString('en-US')}): ${directRate >= TARGET_MSGS_PER_SECOND ? 'met' : 'not met'}`,
      `bus direct / EventEmitter throughput ratio ${round(emitter / direct, 2)}x (EventEmitter has no mailbox, priorities or expiry)`,
    ],
    notes: [
      `request/reply p50 ${round(percentile(latencies, 50), 1)} µs, p99 ${round(percentile(latencies, 99), 1)} µs over ${requests} sequential requests`,
      'medians of 3 runs; envelopes pre-built; handlers are no-ops; nothing listens to bus:delivered',
    ],
  };
}

function row(
  label: string,
  messages: number,
  seconds: number,
  deliveriesPerMessage: number,
): Record<string, string | number> {
  return {
    case: label,
    messages,
    'msgs/s': Math.round(messages / seconds),
    'deliveries/s': Math.round((messages * deliveriesPerMessage) / seconds),
  };
}

function makeBus(store: MessageStore = new MemoryMessageStore()): {
  bus: MessageBus;
  close(): Promise<void>;
} {
  const transport = new MemoryTransport();
  const bus = new MessageBus({ transport, store, events: new EventHub() });
  return {
    bus,
    async close() {
      await bus.close();
      await transport.close();
    },
  };
}

function envelopes(count: number, receiver: string, extra: Partial<Envelope> = {}): Envelope[] {
  const now = Date.now();
  const conversationId = newId('conv');
  const out: Envelope[] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      id: `m${i}`,
      performative: 'inform',
      sender: 'bench',
      receiver,
      conversationId,
      priority: i % 10,
      createdAt: now,
      body: i,
      headers: {},
      ...extra,
    };
  }
  return out;
}

/** Sends every envelope in chunks, yielding so the mailbox drains; resolves when all are handled. */
async function pump(send: (e: Envelope) => unknown, list: Envelope[], done: () => boolean): Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) {
    const end = Math.min(list.length, i + CHUNK);
    for (let j = i; j < end; j++) send(list[j] as Envelope);
    await Promise.resolve();
  }
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

async function directRun(n: number): Promise<number> {
  const { bus, close } = makeBus();
  let handled = 0;
  bus.registerAgent('sink', 'bench', () => {
    handled++;
  });
  const list = envelopes(n, 'agent:sink');
  const start = process.hrtime.bigint();
  await pump(
    (e) => bus.send(e),
    list,
    () => handled === n,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return seconds;
}

async function roleRun(n: number): Promise<number> {
  const { bus, close } = makeBus();
  let handled = 0;
  for (let k = 0; k < 4; k++) {
    bus.registerAgent(`worker${k}`, 'workers', () => {
      handled++;
    });
  }
  const list = envelopes(n, 'role:workers');
  const start = process.hrtime.bigint();
  await pump(
    (e) => bus.send(e),
    list,
    () => handled === n,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return seconds;
}

async function fanoutRun(n: number, subscribers: number): Promise<number> {
  const { bus, close } = makeBus();
  let handled = 0;
  const patterns = ['metrics.*.cpu', 'metrics.>', '*.*.cpu', 'metrics.node1.cpu', '>'];
  for (let k = 0; k < subscribers; k++) {
    bus.subscribe(patterns[k % patterns.length] as string, () => {
      handled++;
    });
  }
  const list = envelopes(n, 'topic:metrics.node1.cpu');
  const start = process.hrtime.bigint();
  await pump(
    (e) => bus.send(e),
    list,
    () => handled === n * subscribers,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return seconds;
}

async function acceptRun(n: number): Promise<number> {
  const { bus, close } = makeBus();
  let handled = 0;
  bus.registerAgent('sink', 'bench', () => {
    handled++;
  });
  // Plain JSON objects, as they arrive from the API or a broker.
  const list = envelopes(n, 'agent:sink').map((e) => JSON.parse(JSON.stringify(e)) as Envelope);
  const start = process.hrtime.bigint();
  await pump(
    (e) => bus.accept(e),
    list,
    () => handled === n,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return seconds;
}

async function durableRun(n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'magna-bench-bus-'));
  const db = openSqlite(join(dir, 'bus.db'));
  const { bus, close } = makeBus(new SqliteMessageStore(db));
  let handled = 0;
  bus.registerAgent('sink', 'bench', () => {
    handled++;
  });
  const list = envelopes(n, 'agent:sink', { durable: true });
  const start = process.hrtime.bigint();
  // Each durable send resolves once stored; they are awaited in chunks like a busy producer would.
  for (let i = 0; i < list.length; i += 256)
    await Promise.all(list.slice(i, i + 256).map((e) => bus.send(e)));
  while (handled < n) await new Promise((resolve) => setImmediate(resolve));
  await bus.deadLetters({ limit: 1 }); // waits for the last acknowledgements to be written
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const left = (db.prepare('SELECT count(*) AS c FROM bus_messages').get() as { c: number }).c;
  await close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  if (left !== 0) throw new Error(`durable bench: ${left} messages left unacknowledged`);
  return seconds;
}

function emitterRun(n: number): number {
  const emitter = new EventEmitter();
  let handled = 0;
  emitter.on('agent:sink', () => {
    handled++;
  });
  const list = envelopes(n, 'agent:sink');
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) emitter.emit('agent:sink', list[i]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (handled !== n) throw new Error('emitter bench lost messages');
  return seconds;
}

/** Per-request latency in microseconds, sorted. */
async function requestReplyRun(n: number): Promise<number[]> {
  const { bus, close } = makeBus();
  bus.registerAgent('echo', 'bench', (e) => e.body);
  const list = envelopes(n + 1000, 'agent:echo', { performative: 'request' });
  for (let i = 0; i < 1000; i++) await bus.request(list[n + i] as Envelope); // warm-up
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await bus.request(list[i] as Envelope);
    out[i] = Number(process.hrtime.bigint() - start) / 1e3;
  }
  await close();
  return out.sort((a, b) => a - b);
}

async function repeat(fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(await fn());
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
