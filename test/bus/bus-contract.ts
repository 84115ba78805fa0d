import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import type { Envelope } from '../../src/bus/envelope.js';
import { MemoryMessageStore } from '../../src/bus/memory/message-store.js';
import type { MessageStore } from '../../src/bus/message-store.js';
import { replyWith } from '../../src/bus/reply.js';
import type { Transport } from '../../src/bus/transport.js';
import { type Clock, ManualClock } from '../../src/core/clock.js';
import { isMagnaError, MagnaError } from '../../src/core/errors.js';
import { EventHub, type EventMap } from '../../src/core/events.js';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import { SqliteMessageStore } from '../../src/store/sqlite/message-store.js';
import { envelope, gate, type TransportFactory, tick, waitFor } from './helpers.js';

/**
 * The bus's behaviour over a transport: every Transport adapter runs this same suite, so the
 * embedded (memory) and distributed (NATS) modes keep the same semantics.
 */
export function busContract(factory: TransportFactory): void {
  describe(`bus contract: ${factory.name}`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(
      options: { store?: MessageStore; clock?: Clock; transport?: Transport; durableLeaseMs?: number } = {},
    ) {
      const transport = options.transport ?? (await factory.create());
      const events = new EventHub();
      const deadLetterEvents: Array<EventMap['bus:dead-letter']> = [];
      events.on('bus:dead-letter', (e) => deadLetterEvents.push(e));
      const bus = new MessageBus({
        transport,
        store: options.store ?? new MemoryMessageStore(),
        events,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.durableLeaseMs ? { durableLeaseMs: options.durableLeaseMs } : {}),
        onError: () => {},
      });
      cleanups.push(async () => {
        await bus.close();
        if (!options.transport) await transport.close();
      });
      return { bus, events, transport, deadLetterEvents };
    }

    function tempDb(): { path: string; open(): SqliteDatabase } {
      const dir = mkdtempSync(join(tmpdir(), 'magna-bus-'));
      cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, 'bus.db');
      return { path, open: () => openSqlite(path) };
    }

    it('serves a mailbox highest priority first, FIFO within a priority', async () => {
      const { bus } = await setup();
      const hold = gate();
      const got: string[] = [];
      const agent = bus.registerAgent('a', 'worker', async (e) => {
        got.push(e.body as string);
        if (e.body === 'first') await hold.promise;
      });
      await bus.send(envelope({ body: 'first', priority: 0 }));
      await waitFor(() => got.length === 1, 'first message in flight');
      const sent = [
        ['p1-a', 1],
        ['p9-a', 9],
        ['p5-a', 5],
        ['p9-b', 9],
        ['p1-b', 1],
        ['p5-b', 5],
        ['p0-a', 0],
        ['p9-c', 9],
      ] as const;
      for (const [body, priority] of sent) await bus.send(envelope({ body, priority }));
      await waitFor(() => agent.queued() === sent.length, 'all queued');
      hold.open();
      await waitFor(() => got.length === sent.length + 1, 'all delivered');
      expect(got).toEqual(['first', 'p9-a', 'p9-b', 'p9-c', 'p5-a', 'p5-b', 'p1-a', 'p1-b', 'p0-a']);
    });

    it('keeps arrival order for many messages of one priority', async () => {
      const { bus } = await setup();
      const got: number[] = [];
      bus.registerAgent('a', 'worker', (e) => {
        got.push(e.body as number);
      });
      for (let i = 0; i < 5000; i++) bus.send(envelope({ body: i, priority: 3 }));
      await waitFor(() => got.length === 5000, 'all delivered');
      expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    });

    it('runs up to `concurrency` handlers of one agent at once', async () => {
      const { bus } = await setup();
      const hold = gate();
      let running = 0;
      let peak = 0;
      let done = 0;
      bus.registerAgent(
        'a',
        'worker',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await hold.promise;
          running--;
          done++;
        },
        { concurrency: 3 },
      );
      for (let i = 0; i < 10; i++) await bus.send(envelope());
      await waitFor(() => running === 3, 'three running');
      hold.open();
      await waitFor(() => done === 10, 'all done');
      expect(peak).toBe(3);
    });

    it('delivers pub/sub by topic with * and > wildcards, to plain subscribers and agents', async () => {
      const { bus } = await setup();
      const got: Record<string, string[]> = { star: [], rest: [], exact: [], agent: [] };
      bus.subscribe('metrics.*.cpu', (e) => {
        got.star?.push(e.receiver);
      });
      bus.subscribe('topic:metrics.>', (e) => {
        got.rest?.push(e.receiver);
      });
      bus.subscribe('metrics.node1.cpu', (e) => {
        got.exact?.push(e.receiver);
      });
      const agent = bus.registerAgent('watcher', 'monitoring', (e) => {
        got.agent?.push(e.receiver);
      });
      agent.subscribe('*.node2.>');
      for (const topic of [
        'metrics.node1.cpu',
        'metrics.node2.cpu',
        'metrics.node2.mem.rss',
        'logs.node2.x',
      ]) {
        await bus.send(envelope({ receiver: `topic:${topic}` }));
      }
      await waitFor(() => got.rest?.length === 3 && got.agent?.length === 3, 'deliveries');
      await tick();
      expect(got).toEqual({
        star: ['topic:metrics.node1.cpu', 'topic:metrics.node2.cpu'],
        rest: ['topic:metrics.node1.cpu', 'topic:metrics.node2.cpu', 'topic:metrics.node2.mem.rss'],
        exact: ['topic:metrics.node1.cpu'],
        agent: ['topic:metrics.node2.cpu', 'topic:metrics.node2.mem.rss', 'topic:logs.node2.x'],
      });
    });

    it('gives a role message to exactly one agent of that role', async () => {
      const { bus } = await setup();
      const got: Record<string, string[]> = { w1: [], w2: [], other: [] };
      bus.registerAgent('w1', 'writer', (e) => {
        got.w1?.push(e.id);
      });
      bus.registerAgent('w2', 'writer', (e) => {
        got.w2?.push(e.id);
      });
      bus.registerAgent('other', 'reader', (e) => {
        got.other?.push(e.id);
      });
      const sent = Array.from({ length: 20 }, () => envelope({ receiver: 'role:writer' }));
      for (const m of sent) await bus.send(m);
      await waitFor(() => (got.w1?.length ?? 0) + (got.w2?.length ?? 0) === 20, 'all delivered');
      await tick();
      expect([...(got.w1 ?? []), ...(got.w2 ?? [])].sort()).toEqual(sent.map((m) => m.id).sort());
      expect(got.other).toEqual([]);
    });

    /** Two buses on transports that reach each other: two processes of one cluster. */
    async function twoProcesses(options: { store?: MessageStore; durableLeaseMs?: number } = {}) {
      const [t1, t2] = await factory.pair();
      cleanups.push(async () => {
        await t1.close();
        await t2.close();
      });
      const store = options.store ?? new MemoryMessageStore();
      const lease = options.durableLeaseMs === undefined ? {} : { durableLeaseMs: options.durableLeaseMs };
      const one = await setup({ transport: t1, store, ...lease });
      const two = await setup({ transport: t2, store, ...lease });
      return [one.bus, two.bus] as const;
    }

    it('gives each direct message once when the same agent runs in two processes', async () => {
      const [bus1, bus2] = await twoProcesses();
      const got: Record<string, string[]> = { one: [], two: [] };
      const a1 = bus1.registerAgent('twin', 'pair', (e) => {
        if (e.performative === 'inform') got.one?.push(e.id);
      });
      const a2 = bus2.registerAgent('twin', 'pair', (e) => {
        if (e.performative === 'inform') got.two?.push(e.id);
      });
      await Promise.all([a1.ready, a2.ready]);
      const sent = Array.from({ length: 40 }, () => envelope({ receiver: 'agent:twin' }));
      for (const m of sent) await bus1.send(m);
      const total = () => (got.one?.length ?? 0) + (got.two?.length ?? 0);
      await waitFor(() => total() >= 40, 'all delivered');
      await new Promise((resolve) => setTimeout(resolve, 50)); // room for a duplicate to show
      expect([...(got.one ?? []), ...(got.two ?? [])].sort()).toEqual(sent.map((m) => m.id).sort());
    });

    it('loads each stored durable message in one process when two host its role', async () => {
      const [bus1, bus2] = await twoProcesses();
      const sent = Array.from({ length: 10 }, () => envelope({ receiver: 'role:late', durable: true }));
      for (const m of sent) await bus1.send(m);
      const got: string[] = [];
      const handler = (e: Envelope) => {
        got.push(e.id);
      };
      const a1 = bus1.registerAgent('late1', 'late', handler);
      const a2 = bus2.registerAgent('late2', 'late', handler);
      await Promise.all([a1.ready, a2.ready]);
      await waitFor(() => got.length >= 10, 'stored messages delivered');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([...got].sort()).toEqual(sent.map((m) => m.id).sort());
    });

    it('hands a durable message to another process once its holder stops renewing the lease', async () => {
      const shared = new MemoryMessageStore();
      let crashed = false;
      const renewed = new Set<string>();
      // The first process's store: once it has "crashed", its renewals and sweeps never arrive.
      const dying: MessageStore = Object.assign(Object.create(shared) as MessageStore, {
        renew: (...args: Parameters<MessageStore['renew']>) => {
          if (crashed) return Promise.resolve();
          for (const id of args[1]) renewed.add(id);
          return shared.renew(...args);
        },
        release: (...args: Parameters<MessageStore['release']>) =>
          crashed ? Promise.resolve() : shared.release(...args),
        claim: (...args: Parameters<MessageStore['claim']>) =>
          crashed ? Promise.resolve([]) : shared.claim(...args),
      });
      const [t1, t2] = await factory.pair();
      cleanups.push(async () => {
        await t1.close();
        await t2.close();
      });
      const one = await setup({ transport: t1, store: dying, durableLeaseMs: 60 });
      const hang = gate();
      const firstGot: string[] = [];
      await one.bus.registerAgent('holder', 'keeper', async (e) => {
        firstGot.push(e.id);
        await hang.promise;
      }).ready;
      const m = envelope({ receiver: 'role:keeper', durable: true });
      await one.bus.send(m);
      await waitFor(() => firstGot.length === 1, 'first process got it');
      // Crash only once it owns the message, so the heir must wait for the lease to run out.
      await waitFor(() => renewed.has(m.id), 'first process took the lease over');
      crashed = true;
      const two = await setup({ transport: t2, store: shared, durableLeaseMs: 60 });
      const secondGot: string[] = [];
      await two.bus.registerAgent('heir', 'keeper', (e) => {
        secondGot.push(e.id);
      }).ready;
      await waitFor(() => secondGot.length === 1, 'taken over after the lease ran out');
      expect(secondGot).toEqual([m.id]);
      hang.open();
    });

    it('refuses a body that is not JSON with BUS_INVALID_ENVELOPE naming the field', async () => {
      const { bus } = await setup();
      bus.registerAgent('strict', 'json', () => null);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const body of [{ when: new Date(0) }, { n: Number.NaN }, [1, () => 2], cyclic, { big: 1n }]) {
        const error = await bus.send(envelope({ receiver: 'agent:strict', body })).catch((e: unknown) => e);
        expect(isMagnaError(error, 'BUS_INVALID_ENVELOPE')).toBe(true);
        expect((error as MagnaError).message).toContain('body');
        const failed = await bus
          .request(envelope({ receiver: 'agent:strict', performative: 'request', body }), { timeoutMs: 1000 })
          .catch((e: unknown) => e);
        expect(isMagnaError(failed, 'BUS_INVALID_ENVELOPE')).toBe(true);
      }
      await expect(
        bus.send(envelope({ receiver: 'agent:strict', body: { ok: [1, 'two', null, { x: undefined }] } })),
      ).resolves.toBeUndefined();
    });

    it('answers a request with the handler result, correlated by inReplyTo and conversation', async () => {
      const { bus } = await setup();
      bus.registerAgent('calc', 'math', (e) => (e.body as { x: number }).x * 2);
      const request = envelope({
        performative: 'request',
        receiver: 'agent:calc',
        body: { x: 21 },
        conversationId: 'conv-42',
      });
      const reply = await bus.request(request, { timeoutMs: 5000 });
      expect(reply).toMatchObject({
        performative: 'inform',
        sender: 'calc',
        receiver: 'agent:tester',
        inReplyTo: request.id,
        conversationId: 'conv-42',
        body: 42,
      });
    });

    it('lets a handler choose the reply performative, and turns a throw into a failure reply', async () => {
      const { bus } = await setup();
      bus.registerAgent('picky', 'critic', async (e) => {
        if (e.body === 'refuse') return replyWith('refuse', { reason: 'busy' });
        if (e.body === 'coded') throw new MagnaError('KB_FORBIDDEN', 'not yours');
        throw new Error('boom');
      });
      const ask = (body: string) =>
        bus.request(envelope({ performative: 'request', receiver: 'agent:picky', body }), {
          timeoutMs: 5000,
        });
      expect(await ask('refuse')).toMatchObject({ performative: 'refuse', body: { reason: 'busy' } });
      expect(await ask('coded')).toMatchObject({
        performative: 'failure',
        body: { code: 'KB_FORBIDDEN', message: 'not yours' },
      });
      expect(await ask('plain')).toMatchObject({
        performative: 'failure',
        body: { code: 'BUS_HANDLER_FAILED', message: 'boom' },
      });
    });

    it('times out a request nobody answers with BUS_TIMEOUT', async () => {
      const { bus } = await setup();
      const never = gate();
      cleanups.push(() => never.open());
      bus.registerAgent('slow', 'sleeper', () => never.promise);
      const error = await bus
        .request(envelope({ performative: 'request', receiver: 'agent:slow' }), { timeoutMs: 30 })
        .catch((e: unknown) => e);
      expect(isMagnaError(error, 'BUS_TIMEOUT')).toBe(true);
      expect((error as MagnaError).details).toMatchObject({ timeoutMs: 30 });
    });

    it('dead-letters a message nobody can receive with BUS_NO_RECEIVER', async () => {
      const { bus, deadLetterEvents } = await setup();
      const lost = envelope({ receiver: 'agent:ghost' });
      const lostRole = envelope({ receiver: 'role:nobody' });
      await bus.send(lost);
      await bus.send(lostRole);
      if (!factory.knowsReceivers) return;
      const letters = await bus.deadLetters({ limit: 10 });
      expect(letters.map((l) => [l.messageId, l.reason])).toEqual([
        [lostRole.id, 'BUS_NO_RECEIVER'],
        [lost.id, 'BUS_NO_RECEIVER'],
      ]);
      expect(letters[1]?.envelope).toEqual(lost);
      expect(deadLetterEvents).toEqual([
        { messageId: lost.id, receiver: 'agent:ghost', reason: 'BUS_NO_RECEIVER' },
        { messageId: lostRole.id, receiver: 'role:nobody', reason: 'BUS_NO_RECEIVER' },
      ]);
      const error = await bus
        .request(envelope({ performative: 'request', receiver: 'agent:ghost' }))
        .catch((e: unknown) => e);
      expect(isMagnaError(error, 'BUS_NO_RECEIVER')).toBe(true);
    });

    it('does not deliver an expired message: it is dead-lettered with BUS_EXPIRED, also when it expires while queued', async () => {
      const clock = new ManualClock();
      const { bus, deadLetterEvents } = await setup({ clock });
      const hold = gate();
      const got: string[] = [];
      const agent = bus.registerAgent('a', 'worker', async (e) => {
        got.push(e.body as string);
        if (e.body === 'blocker') await hold.promise;
      });
      await bus.send(envelope({ body: 'stale', expiresAt: clock.now() - 1 }));
      await bus.send(envelope({ body: 'blocker' }));
      await waitFor(() => got.length === 1, 'blocker running');
      const queued = envelope({ body: 'expires-in-queue', expiresAt: clock.now() + 1000, priority: 9 });
      await bus.send(queued);
      await bus.send(envelope({ body: 'fresh', expiresAt: clock.now() + 60_000 }));
      await waitFor(() => agent.queued() === 2, 'queued');
      clock.advance(2000);
      hold.open();
      await waitFor(() => got.length === 2, 'fresh delivered');
      await tick();
      expect(got).toEqual(['blocker', 'fresh']);
      expect(deadLetterEvents.map((e) => e.reason)).toEqual(['BUS_EXPIRED', 'BUS_EXPIRED']);
      const letters = await bus.deadLetters();
      expect(letters.map((l) => [l.envelope.body, l.reason])).toEqual([
        ['expires-in-queue', 'BUS_EXPIRED'],
        ['stale', 'BUS_EXPIRED'],
      ]);
    });

    it('refuses malformed envelopes from outside with BUS_INVALID_ENVELOPE naming the field', async () => {
      const { bus } = await setup();
      const got: Envelope[] = [];
      bus.registerAgent('a', 'worker', (e) => {
        got.push(e);
      });
      const valid = envelope();
      const cases: Array<[unknown, string]> = [
        [{ ...valid, id: undefined }, 'id'],
        [{ ...valid, priority: 12 }, 'priority'],
        [{ ...valid, performative: 'shout' }, 'performative'],
        [{ ...valid, receiver: 'mailbox:a' }, 'receiver'],
        [{ ...valid, receiver: 'topic:a.*' }, 'receiver'],
        [{ ...valid, receiver: 'agent:a.b' }, 'receiver'],
        [{ ...valid, receiver: 'topic:news', durable: true }, 'durable'],
        [{ ...valid, headers: { traceparent: 7 } }, 'headers.traceparent'],
        [{ ...valid, expiresAt: -5 }, 'expiresAt'],
        ['not an envelope', '(root)'],
      ];
      for (const [value, path] of cases) {
        const error = await bus.accept(value).catch((e: unknown) => e);
        expect(isMagnaError(error, 'BUS_INVALID_ENVELOPE'), `${path}: ${String(error)}`).toBe(true);
        const issues = (error as MagnaError).details?.issues as Array<{ path: string }>;
        expect(issues.map((i) => i.path)).toContain(path);
        expect((error as MagnaError).message).toContain(path);
      }
      const accepted = await bus.accept(JSON.parse(JSON.stringify(valid)));
      expect(accepted).toEqual(valid);
      await waitFor(() => got.length === 1, 'the valid one delivered');
      expect(got[0]?.id).toBe(valid.id);
    });

    it('sends, requests and publishes for an agent, filling the envelope and carrying traceparent', async () => {
      const { bus } = await setup();
      const seen: Envelope[] = [];
      bus.registerAgent('echo', 'echoer', (e) => {
        seen.push(e);
        return e.body;
      });
      bus.subscribe('news.>', (e) => {
        seen.push(e);
      });
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const messaging = bus.messagingFor('research', { traceparent });
      const sent = await messaging.send(
        'agent:echo',
        'inform',
        { hello: 1 },
        { priority: 8, conversationId: 'c-9' },
      );
      expect(sent).toMatchObject({
        sender: 'research',
        receiver: 'agent:echo',
        priority: 8,
        conversationId: 'c-9',
        headers: { traceparent },
      });
      const reply = await messaging.request('agent:echo', 'ping', { timeoutMs: 5000 });
      expect(reply).toMatchObject({
        performative: 'inform',
        body: 'ping',
        sender: 'echo',
        headers: { traceparent },
      });
      const published = await messaging.publish('news.ai', { headline: 'x' });
      expect(published.receiver).toBe('topic:news.ai');
      await waitFor(() => seen.length === 3, 'three messages');
      expect(seen.map((e) => e.headers.traceparent)).toEqual([traceparent, traceparent, traceparent]);
      const untraced = await bus
        .messagingFor('research', { traceparent: 'garbage' })
        .send('agent:echo', 'inform', null);
      expect(untraced.headers).toEqual({});
      const bad = await messaging
        .send('agent:echo', 'inform', null, { priority: 11 })
        .catch((e: unknown) => e);
      expect(isMagnaError(bad, 'BUS_INVALID_ENVELOPE')).toBe(true);
      expect((bad as MagnaError).details).toEqual({
        issues: [{ path: 'priority', message: 'must be an integer from 0 to 9' }],
      });
    });

    it('lists recently routed envelopes newest first, bounded by its size', async () => {
      const transport = await factory.create();
      const bus = new MessageBus({
        transport,
        store: new MemoryMessageStore(),
        events: new EventHub(),
        recentSize: 3,
      });
      cleanups.push(async () => {
        await bus.close();
        await transport.close();
      });
      bus.registerAgent('a', 'worker', () => undefined);
      const sent = Array.from({ length: 5 }, (_, i) => envelope({ body: i }));
      for (const m of sent) await bus.send(m);
      expect(bus.recent(10).map((e) => e.body)).toEqual([4, 3, 2]);
      expect(bus.recent(1).map((e) => e.body)).toEqual([4]);
    });

    it('emits bus:delivered when something listens', async () => {
      const { bus, events } = await setup();
      bus.registerAgent('a', 'worker', () => undefined);
      const delivered: Array<EventMap['bus:delivered']> = [];
      await bus.send(envelope());
      const off = events.on('bus:delivered', (e) => delivered.push(e));
      const m = envelope({ performative: 'propose' });
      await bus.send(m);
      off();
      await bus.send(envelope());
      expect(delivered).toEqual([{ messageId: m.id, receiver: 'agent:a', performative: 'propose' }]);
    });

    it('redelivers an unacknowledged durable message after a restart, and not once acknowledged', async () => {
      const db = tempDb();
      // First run: the receiver is not there; the message is stored, not dead-lettered.
      const db1 = db.open();
      const run1 = await setup({ store: new SqliteMessageStore(db1) });
      const m = envelope({ receiver: 'agent:keeper', durable: true, body: { n: 1 } });
      await run1.bus.send(m);
      await run1.bus.close();
      db1.close();
      expect(run1.deadLetterEvents).toEqual([]);

      // Second run: the receiver registers and gets it; its handler returns, so it is acked.
      const db2 = db.open();
      const run2 = await setup({ store: new SqliteMessageStore(db2) });
      const got2: Envelope[] = [];
      const keeper2 = run2.bus.registerAgent('keeper', 'store', (e) => {
        got2.push(e);
      });
      await keeper2.ready;
      await waitFor(() => got2.length === 1, 'redelivery');
      expect(got2[0]).toEqual(m);
      await run2.bus.close();
      db2.close();

      // Third run: nothing left to deliver.
      const db3 = db.open();
      const run3 = await setup({ store: new SqliteMessageStore(db3) });
      const got3: Envelope[] = [];
      const keeper3 = run3.bus.registerAgent('keeper', 'store', (e) => {
        got3.push(e);
      });
      await keeper3.ready;
      await tick();
      expect(got3).toEqual([]);
      await run3.bus.close();
      db3.close();
    });

    it('redelivers a durable message whose handler was still running at shutdown, to its role', async () => {
      const db = tempDb();
      const db1 = db.open();
      const run1 = await setup({ store: new SqliteMessageStore(db1) });
      const never = gate();
      cleanups.push(() => never.open());
      let started = 0;
      run1.bus.registerAgent('w1', 'writer', () => {
        started++;
        return never.promise;
      });
      const m = envelope({ receiver: 'role:writer', durable: true });
      await run1.bus.send(m);
      await waitFor(() => started === 1, 'handler running');
      await run1.bus.close();
      db1.close();

      const db2 = db.open();
      const run2 = await setup({ store: new SqliteMessageStore(db2) });
      const got: string[] = [];
      const w2 = run2.bus.registerAgent('w2', 'writer', (e) => {
        got.push(e.id);
      });
      await w2.ready;
      await waitFor(() => got.length === 1, 'redelivered');
      expect(got).toEqual([m.id]);
      // A live durable message on the same bus is delivered once, not again by the reload.
      const live = envelope({ receiver: 'agent:w2', durable: true });
      await run2.bus.send(live);
      await waitFor(() => got.length === 2, 'live durable delivered');
      await tick();
      expect(got).toEqual([m.id, live.id]);
      await run2.bus.close();
      const left = new SqliteMessageStore(db2);
      const claimable = { owner: 'check', now: Date.now() + 3_600_000, leaseMs: 1, limit: 10, unowned: true };
      expect(await left.claim({ receivers: ['agent:w2', 'role:writer'], ...claimable })).toEqual([]);
      db2.close();
    });

    it('stores durable messages sent in one tick together, refusing a non-JSON body to its sender alone', async () => {
      const db = tempDb();
      const handle = db.open();
      const { bus } = await setup({ store: new SqliteMessageStore(handle) });
      const got: number[] = [];
      bus.registerAgent('keeper', 'store', (e) => {
        got.push(e.body as number);
      });
      const good = Array.from({ length: 50 }, (_, i) =>
        envelope({ receiver: 'agent:keeper', durable: true, body: i }),
      );
      const bad = envelope({ receiver: 'agent:keeper', durable: true, body: { n: 1n } });
      const results = await Promise.allSettled(
        [...good.slice(0, 25), bad, ...good.slice(25)].map((m) => bus.send(m)),
      );
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .map((r) => isMagnaError((r as PromiseRejectedResult).reason, 'BUS_INVALID_ENVELOPE')),
      ).toEqual([true]);
      await waitFor(() => got.length === 50, 'all good ones delivered');
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await bus.close();
      expect((handle.prepare('SELECT count(*) AS c FROM bus_messages').get() as { c: number }).c).toBe(0);
      handle.close();
    });

    it('dead-letters a durable message whose handler keeps failing, after five deliveries', async () => {
      const db = tempDb();
      const m = envelope({ receiver: 'agent:fragile', durable: true });
      let attempts = 0;
      for (let run = 1; run <= 6; run++) {
        const handle = db.open();
        const { bus } = await setup({ store: new SqliteMessageStore(handle) });
        if (run === 1) await bus.send(m);
        const endpoint = bus.registerAgent('fragile', 'glass', () => {
          attempts++;
          throw new Error('always');
        });
        await endpoint.ready;
        await tick();
        await tick();
        const letters = await bus.deadLetters();
        await bus.close();
        handle.close();
        if (run < 5) expect(letters).toEqual([]);
        else expect(letters.map((l) => [l.messageId, l.reason])).toEqual([[m.id, 'BUS_HANDLER_FAILED']]);
      }
      expect(attempts).toBe(5);
    });

    it('refuses sends after close with UNAVAILABLE and fails waiting requests', async () => {
      const { bus } = await setup();
      const never = gate();
      cleanups.push(() => never.open());
      bus.registerAgent('slow', 'sleeper', () => never.promise);
      const waiting = bus
        .request(envelope({ performative: 'request', receiver: 'agent:slow' }), { timeoutMs: 60_000 })
        .catch((e: unknown) => e);
      await tick();
      await bus.close();
      expect(isMagnaError(await waiting, 'UNAVAILABLE')).toBe(true);
      expect(isMagnaError(await bus.send(envelope()).catch((e: unknown) => e), 'UNAVAILABLE')).toBe(true);
    });
  });
}
