import { z } from 'zod';
import type { AnyEvent } from '../../core/events.js';
import type { Principal } from '../../core/principal.js';
import type { System } from '../../runtime/system.js';
import { defineRoute } from '../route.js';
import { viewerOf } from '../visibility.js';

/** An SSE client this far behind (bytes buffered) is disconnected rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

const filterQuery = z.strictObject({
  type: z
    .string()
    .max(1000)
    .optional()
    .describe('Event types separated by commas; `task:*` matches a whole noun'),
  missionId: z.string().max(200).optional(),
  agent: z.string().max(200).optional().describe('Agent name or id'),
  access_token: z.string().max(4096).optional().describe('Key or token, for clients that cannot set headers'),
});
type Filter = z.infer<typeof filterQuery>;

export function eventMatcher(filter: Filter): (event: AnyEvent) => boolean {
  const types = filter.type
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return (event) => {
    if (
      types &&
      !types.some((t) => (t.endsWith('*') ? event.type.startsWith(t.slice(0, -1)) : event.type === t))
    )
      return false;
    const data = event.data as Record<string, unknown>;
    if (filter.missionId !== undefined && data.missionId !== filter.missionId) return false;
    if (filter.agent !== undefined && ![data.agent, data.agentId, data.name].includes(filter.agent))
      return false;
    return true;
  };
}

/**
 * Subscribes `send` to the events this caller may see, in emission order: visibility checks may
 * read the store, so events pass through one promise chain per connection. Returns the unsubscribe.
 */
function subscribe(
  system: System,
  principal: Principal,
  filter: Filter,
  send: (event: AnyEvent) => void,
): () => void {
  const matches = eventMatcher(filter);
  const viewer = viewerOf(system, principal);
  let chain = Promise.resolve();
  let closed = false;
  const off = system.events.onAny((event) => {
    if (!matches(event)) return;
    chain = chain.then(async () => {
      if (!closed && (await viewer.canSeeEvent(event).catch(() => false))) send(event);
    });
  });
  return () => {
    closed = true;
    off();
  };
}

export const eventRoutes = [
  defineRoute({
    method: 'GET',
    url: '/events',
    operationId: 'events.stream',
    summary: 'Live event stream (Server-Sent Events)',
    description: 'Each event is `event: <type>` and `data: {"type","at","data"}`. Filters combine with AND.',
    tag: 'events',
    permission: 'events:read',
    queryToken: true,
    query: filterQuery,
    response: { status: 200, description: 'An endless text/event-stream.', contentType: 'text/event-stream' },
    handler: async ({ system, query, request, reply, streams, principal }) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const end = () => {
        off();
        clearInterval(heartbeat);
        streams.delete(end);
        res.end();
      };
      const off = subscribe(system, principal, query, (event) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) return end();
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      streams.add(end);
      request.raw.on('close', end);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/events/ws',
    operationId: 'events.websocket',
    summary: 'Live event stream (WebSocket)',
    description: 'Each text frame is one JSON event `{"type","at","data"}`. Same filters as /events.',
    tag: 'events',
    permission: 'events:read',
    queryToken: true,
    query: filterQuery,
    errors: ['INVALID_ARGUMENT'],
    response: { status: 200, description: 'Answered with 101 Switching Protocols on an upgrade request.' },
    websocket: (socket, { system, query, streams, principal }) => {
      const off = subscribe(system, principal, query, (event) => {
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return socket.close(1013, 'client too slow');
        socket.send(JSON.stringify(event));
      });
      const end = () => socket.close(1001, 'server closing');
      streams.add(end);
      socket.on('close', () => {
        off();
        streams.delete(end);
      });
    },
  }),
];
