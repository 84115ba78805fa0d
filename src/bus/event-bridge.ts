import type { AnyEvent, EventHub, EventName } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Envelope } from './envelope.js';
import type { Transport, TransportSubscription } from './transport.js';

/**
 * Events that stay in their process: one per bus message (~40 ns to build, ~300 ns a message in
 * process, see bench/bus.ts), which would multiply NATS traffic for a per-process counter.
 */
const LOCAL_ONLY: ReadonlySet<EventName> = new Set<EventName>(['bus:delivered']);

/** `task:queued` → `_events.task.queued`: outside `topic.`, so no agent's topic pattern sees it. */
function subjectOf(type: string): string {
  return `_events.${type.replace(':', '.')}`;
}

/**
 * Carries the event stream across processes over the bus transport: what this process emits goes
 * to every other process on the transport, and what they emit reaches this process's listeners
 * (missions, metrics, /events, node wake-ups, the Monitoring agent). Each event travels whole, as
 * JSON, with its original time; fields such as namespace labels and owners travel with it, so
 * visibility filters apply the same way wherever the event is read. An event is never re-sent by
 * the process that received it.
 */
export class EventBridge {
  private readonly origin = newId('proc');
  private subscription: TransportSubscription | undefined;
  private offLocal: (() => void) | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly events: EventHub,
  ) {}

  /** Starts forwarding and receiving; resolves once this process hears the others. */
  async start(): Promise<void> {
    if (this.subscription) return;
    this.subscription = this.transport.subscribe('_events.>', (envelope) => this.onRemote(envelope));
    this.offLocal = this.events.onLocal((event) => this.forward(event));
    await this.transport.ready();
  }

  stop(): void {
    this.offLocal?.();
    this.subscription?.unsubscribe();
    this.offLocal = undefined;
    this.subscription = undefined;
  }

  private forward(event: AnyEvent): void {
    if (LOCAL_ONLY.has(event.type)) return;
    const envelope: Envelope = {
      id: newId('evt'),
      performative: 'inform',
      sender: this.origin,
      receiver: `topic:${subjectOf(event.type)}`,
      conversationId: this.origin,
      priority: 0,
      createdAt: event.at,
      body: event,
      headers: {},
    };
    this.transport.publish(subjectOf(event.type), envelope);
  }

  private onRemote(envelope: Envelope): void {
    if (envelope.sender === this.origin) return; // our own, echoed by the broker
    const event = envelope.body as Partial<AnyEvent> | null;
    if (
      event === null ||
      typeof event !== 'object' ||
      typeof event.type !== 'string' ||
      typeof event.at !== 'number' ||
      typeof event.data !== 'object' ||
      event.data === null
    )
      return;
    this.events.receive(event as AnyEvent);
  }
}
