import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/bus/envelope.js';
import { MemoryMessageStore } from '../../src/bus/memory/message-store.js';
import type { MessageStore } from '../../src/bus/message-store.js';
import { isMagnaError } from '../../src/core/errors.js';
import { createPool } from '../../src/store/postgres/connection.js';
import { PostgresMessageStore } from '../../src/store/postgres/message-store.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteMessageStore } from '../../src/store/sqlite/message-store.js';
import { createTestDatabase, postgresConfig, type TestDatabase } from '../support/postgres.js';
import { envelope } from './helpers.js';

/** The bus store port's contract, run against every adapter. */
let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

const adapters: Array<[string, () => Promise<{ store: MessageStore; close(): Promise<void> | void }>]> = [
  ['memory', async () => ({ store: new MemoryMessageStore(), close() {} })],
  [
    'sqlite',
    async () => {
      const db = openSqlite(':memory:');
      return {
        store: new SqliteMessageStore(db),
        close: () => {
          db.close();
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      database ??= await createTestDatabase();
      const pool = createPool(postgresConfig(await database.schema()));
      await migratePostgres(pool, postgresMigrations);
      // Lease times from each call's `now`, as the contract steps time by hand.
      return { store: new PostgresMessageStore(pool, undefined, 'caller'), close: () => pool.end() };
    },
  ],
];

for (const [name, open] of adapters) {
  describe(`message store contract: ${name}`, () => {
    it('keeps durable messages until acknowledged, oldest first, per receiver', async () => {
      const { store, close } = await open();
      const a1 = envelope({ receiver: 'agent:a', durable: true, body: { n: 1 } });
      const r1 = envelope({ receiver: 'role:w', durable: true });
      const b1 = envelope({ receiver: 'agent:b', durable: true });
      const a2 = envelope({ receiver: 'agent:a', durable: true });
      await store.save([a1, r1, b1], 1000, 100);
      await store.save([a2, { ...a1, body: 'changed' }], 2000, 100);
      expect(await store.markDelivery(a1.id, 3000)).toBe(1);
      expect(await store.markDelivery(a1.id, 3001)).toBe(2);
      const pending = await pending_(store, ['agent:a', 'role:w'], 10);
      expect(pending.map((p) => p.envelope)).toEqual([a1, r1, a2]);
      expect(pending[0]?.deliveries).toBe(2);
      await store.release(
        pending.map((p) => p.envelope.id),
        0,
        0,
      );
      expect(await pending_(store, ['agent:a', 'role:w'], 2)).toHaveLength(2);
      await store.release([a1.id, r1.id], 0, 0);
      await store.ack([a1.id, 'msg_unknown']);
      expect((await pending_(store, ['agent:a'], 10)).map((p) => p.envelope.id)).toEqual([a2.id]);
      await close();
    });

    it('leases each message to one owner until the lease runs out or is released', async () => {
      const { store, close } = await open();
      const m1 = envelope({ receiver: 'role:w', durable: true });
      const m2 = envelope({ receiver: 'role:w', durable: true });
      await store.save([m1, m2], 1000, 50);
      const claim = (owner: string, now: number, unowned: boolean) =>
        store
          .claim({ receivers: ['role:w'], owner, now, leaseMs: 100, limit: 10, unowned })
          .then((got) => got.map((m) => m.envelope.id));
      // A sweep leaves fresh messages to their live copy until the save's lease runs out ...
      expect(await claim('sweeper', 1010, false)).toEqual([]);
      // ... a registering receiver takes what nobody owns; a second one gets nothing.
      expect(await claim('p1', 1010, true)).toEqual([m1.id, m2.id]);
      expect(await claim('p2', 1020, true)).toEqual([]);
      // p1 keeps m1 alive; m2's lease runs out and p2 takes it over.
      await store.renew('p1', [m1.id], 1100, 100);
      expect(await claim('p2', 1150, false)).toEqual([m2.id]);
      expect(await claim('p3', 1150, true)).toEqual([]);
      // p2 closes: what it held is free at once.
      await store.release([m2.id], 1150, 0);
      expect(await claim('p3', 1151, false)).toEqual([m2.id]);
      // A failed handler's release waits a lease for sweeps, but not for a registering receiver.
      await store.release([m2.id], 1151, 100);
      expect(await claim('p4', 1190, false)).toEqual([]);
      expect(await claim('p4', 1190, true)).toEqual([m2.id]);
      expect(await claim('p3', 1400, false)).toEqual([m1.id, m2.id]);
      await close();
    });

    it('refuses a durable body that JSON cannot hold with BUS_INVALID_ENVELOPE on body', async () => {
      const { store, close } = await open();
      const fine = envelope({ durable: true });
      const error = await store
        .save([fine, envelope({ durable: true, body: { big: 1n } })], 1, 0)
        .catch((e: unknown) => e);
      expect(isMagnaError(error, 'BUS_INVALID_ENVELOPE')).toBe(true);
      expect(await pending_(store, ['agent:a'], 10)).toEqual([]);
      await close();
    });

    it('records dead letters newest first, removes their durable message, and prunes by age', async () => {
      const { store, close } = await open();
      const durable = envelope({ receiver: 'agent:x', durable: true });
      await store.save([durable], 10, 0);
      await store.addDeadLetter({ reason: 'BUS_EXPIRED', error: 'late', envelope: durable, at: 100 });
      const odd: Envelope = envelope({ receiver: 'topic:t', body: { n: 2n } as unknown });
      await store.addDeadLetter({ reason: 'BUS_NO_RECEIVER', error: 'nobody', envelope: odd, at: 200 });
      const letters = await store.deadLetters({ limit: 10 });
      expect(letters.map((l) => [l.messageId, l.reason, l.error, l.receiver, l.at])).toEqual([
        [odd.id, 'BUS_NO_RECEIVER', 'nobody', 'topic:t', 200],
        [durable.id, 'BUS_EXPIRED', 'late', 'agent:x', 100],
      ]);
      expect(letters[1]?.envelope).toEqual(durable);
      expect(letters[0]!.seq).toBeGreaterThan(letters[1]!.seq);
      expect(await pending_(store, ['agent:x'], 10)).toEqual([]);
      expect(await store.deadLetters({ limit: 1 })).toHaveLength(1);
      expect(await store.pruneDeadLetters(150)).toBe(1);
      expect((await store.deadLetters({ limit: 10 })).map((l) => l.messageId)).toEqual([odd.id]);
      await close();
    });
  });
}

/** Everything claimable now by a registering receiver (unowned, or with a lapsed lease). */
function pending_(store: MessageStore, receivers: string[], limit: number) {
  return store.claim({ receivers, owner: 'reader', now: 1e15, leaseMs: 1, limit, unowned: true });
}
