import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/bus/envelope.js';
import { envelope, type TransportFactory, tick, waitFor } from './helpers.js';

/**
 * The transport port's contract: subjects, NATS wildcards, queue groups, reply subjects. Every
 * Transport adapter (memory now, NATS later) runs this same suite.
 */
export function transportContract(factory: TransportFactory): void {
  describe(`transport contract: ${factory.name}`, () => {
    it('delivers a subject to every exact subscriber, with its reply subject', async () => {
      const t = await factory.create();
      const got: Array<[string, string, string | undefined]> = [];
      t.subscribe('agent.a', (e, r) => got.push(['first', e.id, r]));
      t.subscribe('agent.a', (e, r) => got.push(['second', e.id, r]));
      t.subscribe('agent.b', (e, r) => got.push(['other', e.id, r]));
      const m = envelope();
      t.publish('agent.a', m, '_inbox.x');
      await waitFor(() => got.length === 2, 'two deliveries');
      await tick();
      expect(got.sort()).toEqual([
        ['first', m.id, '_inbox.x'],
        ['second', m.id, '_inbox.x'],
      ]);
      await t.close();
    });

    it('matches * to exactly one token and > to one or more trailing tokens', async () => {
      const t = await factory.create();
      const got: Record<string, string[]> = {};
      const patterns = [
        'topic.a.*.c',
        'topic.a.>',
        'topic.a.b.c',
        'topic.*.b.*',
        'topic.>',
        'topic.x.>',
        'topic.a.*',
      ];
      for (const p of patterns) {
        got[p] = [];
        t.subscribe(p, (e) => got[p]?.push(e.body as string));
      }
      for (const subject of ['topic.a.b.c', 'topic.a.b', 'topic.a.b.c.d', 'topic.a', 'topic.q.b.z']) {
        t.publish(subject, envelope({ body: subject }));
      }
      await waitFor(() => (got['topic.>']?.length ?? 0) === 5, 'catch-all deliveries');
      await tick();
      expect(got).toEqual({
        'topic.a.*.c': ['topic.a.b.c'],
        'topic.a.>': ['topic.a.b.c', 'topic.a.b', 'topic.a.b.c.d'],
        'topic.a.b.c': ['topic.a.b.c'],
        'topic.*.b.*': ['topic.a.b.c', 'topic.q.b.z'],
        'topic.>': ['topic.a.b.c', 'topic.a.b', 'topic.a.b.c.d', 'topic.a', 'topic.q.b.z'],
        'topic.x.>': [],
        'topic.a.*': ['topic.a.b'],
      });
      await t.close();
    });

    it('gives each message to one member of a queue group, and to every plain subscriber', async () => {
      const t = await factory.create();
      const members: Record<string, string[]> = { m1: [], m2: [], m3: [] };
      const plain: string[] = [];
      for (const name of Object.keys(members))
        t.subscribe('role.w', (e) => members[name]?.push(e.id), { queue: 'role.w' });
      t.subscribe('role.w', (e) => plain.push(e.id));
      const sent = Array.from({ length: 30 }, () => envelope({ receiver: 'role:w' }));
      for (const m of sent) t.publish('role.w', m);
      await waitFor(() => plain.length === 30, 'plain deliveries');
      await tick();
      const all = Object.values(members).flat();
      expect(all.sort()).toEqual(sent.map((m) => m.id).sort());
      expect(plain).toEqual(sent.map((m) => m.id));
      await t.close();
    });

    it('sees subscriptions made after a subject was first published, and stops after unsubscribe', async () => {
      const t = await factory.create();
      const got: string[] = [];
      const early = t.subscribe('topic.news', (e) => got.push(`early:${e.body}`));
      t.publish('topic.news', envelope({ body: 1 }));
      const late = t.subscribe('topic.>', (e) => got.push(`late:${e.body}`));
      t.publish('topic.news', envelope({ body: 2 }));
      await waitFor(() => got.length === 3, 'three deliveries');
      early.unsubscribe();
      late.unsubscribe();
      if (factory.knowsReceivers) expect(t.interest('topic.news')).toBe('none');
      else expect(t.interest('topic.news')).toBe('unknown');
      t.publish('topic.news', envelope({ body: 3 }));
      await tick();
      expect(got.sort()).toEqual(['early:1', 'early:2', 'late:2']);
      await t.close();
    });

    it('passes the envelope through unchanged and reports no receiver when it knows', async () => {
      const t = await factory.create();
      let seen: Envelope | undefined;
      t.subscribe('agent.z', (e) => {
        seen = e;
      });
      const m = envelope({
        receiver: 'agent:z',
        priority: 7,
        body: { nested: [1, 'two'] },
        headers: { traceparent: 'x' },
      });
      t.publish('agent.z', m);
      await waitFor(() => seen !== undefined, 'delivery');
      expect(seen).toEqual(m);
      if (factory.knowsReceivers) expect(t.interest('agent.nobody')).toBe('none');
      await t.close();
      t.publish('agent.z', envelope()); // dropped after close, without throwing
      await tick();
      expect(seen).toEqual(m);
    });
  });
}
