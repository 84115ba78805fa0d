import { afterEach, describe, expect, it } from 'vitest';
import { EventBridge } from '../../src/bus/event-bridge.js';
import { MemoryTransport } from '../../src/bus/memory/transport.js';
import { NatsTransport } from '../../src/bus/nats/transport.js';
import type { Transport } from '../../src/bus/transport.js';
import { type AnyEvent, EventHub } from '../../src/core/events.js';
import { newId } from '../../src/core/ids.js';
import { waitFor } from './helpers.js';

/** Three processes' transports: in process one shared transport, on NATS three connections. */
const setups: Array<[string, () => Promise<Transport[]>]> = [
  [
    'memory',
    async () => {
      const t = new MemoryTransport();
      return [t, t, t];
    },
  ],
  [
    'nats',
    async () => {
      const prefix = `ev${newId().slice(-10).toLowerCase()}`;
      return Promise.all(
        [1, 2, 3].map(() => NatsTransport.connect({ url: 'nats://127.0.0.1:4222', prefix })),
      );
    },
  ],
];

for (const [name, open] of setups) {
  describe(`event bridge: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    async function processes() {
      const transports = await open();
      const hubs = transports.map((transport) => {
        const events = new EventHub();
        const bridge = new EventBridge(transport, events);
        const seen: AnyEvent[] = [];
        const local: AnyEvent[] = [];
        events.onAny((e) => seen.push(e));
        events.onLocal((e) => local.push(e));
        return { events, bridge, seen, local };
      });
      await Promise.all(hubs.map((h) => h.bridge.start()));
      cleanups.push(async () => {
        for (const h of hubs) h.bridge.stop();
        for (const t of new Set(transports)) await t.close();
      });
      return hubs;
    }

    it('gives every process each event of the others once, whole, with its time, and never re-sends one', async () => {
      const [a, b, c] = await processes();
      if (!a || !b || !c) throw new Error('three processes');
      const started: string[] = [];
      b.events.on('task:started', (data) => started.push(data.taskId));
      const data = {
        taskId: 'task_1',
        skill: 'research.collect',
        missionId: null,
        attempt: 1,
        workerId: 'w-a',
        // Fields other modules add (labels, owners) travel as they are.
        labels: { namespace: 'team-a' },
        owner: 'user:ann',
      };
      a.events.emit('task:started', data);
      c.events.emit('mission:finished', { missionId: 'm1', status: 'succeeded' });
      await waitFor(() => b.seen.length === 2 && a.seen.length === 2 && c.seen.length === 2, 'all delivered');
      await new Promise((resolve) => setTimeout(resolve, 50)); // room for an echo to show
      expect(started).toEqual(['task_1']);
      const bStarted = b.seen.find((e) => e.type === 'task:started');
      expect(bStarted?.data).toEqual(data);
      expect(bStarted?.at).toBe(a.local[0]?.at);
      for (const hub of [a, b, c])
        expect(hub.seen.map((e) => e.type).sort()).toEqual(['mission:finished', 'task:started']);
      // Received events are not local ones: nothing is forwarded twice.
      expect(a.local.map((e) => e.type)).toEqual(['task:started']);
      expect(b.local).toEqual([]);
      expect(c.local.map((e) => e.type)).toEqual(['mission:finished']);
    });

    it('keeps per-message bus:delivered events in their process', async () => {
      const [a, b] = await processes();
      if (!a || !b) throw new Error('two processes');
      a.events.emit('bus:delivered', { messageId: 'm', receiver: 'agent:x', performative: 'inform' });
      a.events.emit('node:status', { nodeId: 'n', status: 'running' });
      await waitFor(() => b.seen.length === 1, 'the node event');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(b.seen.map((e) => e.type)).toEqual(['node:status']);
    });
  });
}
