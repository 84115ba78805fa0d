import type { Envelope } from '../../src/bus/envelope.js';
import type { Transport } from '../../src/bus/transport.js';
import { newId } from '../../src/core/ids.js';

/** How the contract suites get a transport; a broker adapter supplies its own factory. */
export interface TransportFactory {
  name: string;
  /** A fresh transport (a broker adapter connects here). */
  create(): Promise<Transport>;
  /**
   * Two transports that reach each other, as two processes on one broker would (in process: one
   * transport twice). The caller closes both; closing one twice is harmless.
   */
  pair(): Promise<[Transport, Transport]>;
  /** True when interest() can say "none" (in-process); a broker cannot know. */
  knowsReceivers: boolean;
}

export function envelope(overrides: Partial<Envelope> = {}): Envelope {
  return {
    id: newId('msg'),
    performative: 'inform',
    sender: 'tester',
    receiver: 'agent:a',
    conversationId: 'conv-1',
    priority: 5,
    createdAt: Date.now(),
    body: null,
    headers: {},
    ...overrides,
  };
}

/** Lets queued microtasks and immediates run (in-process delivery is asynchronous). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `condition` holds; fails after `timeoutMs` with the description. */
export async function waitFor(
  condition: () => boolean,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A promise with its resolve exposed, to hold a handler until the test releases it. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
