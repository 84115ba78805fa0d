import type { Envelope } from '../envelope.js';
import type {
  Interest,
  SubscribeOptions,
  Transport,
  TransportHandler,
  TransportSubscription,
} from '../transport.js';
import { matchSubject } from './subject-match.js';

interface Sub {
  readonly pattern: string;
  readonly tokens: readonly string[] | null; // null: an exact subject, no wildcard
  readonly handler: TransportHandler;
  readonly queue: string | undefined;
  active: boolean;
}

interface Group {
  readonly members: Sub[];
  next: number;
}

/** Who receives a subject, resolved once and cached until the subscriptions change. */
interface Route {
  readonly plain: Sub[];
  readonly groups: Group[];
}

/**
 * Subjects seen since the subscriptions last changed. A map hit is one hash lookup per publish;
 * matching wildcards costs a split and a scan of every wildcard subscription, so it is done once
 * per subject. Bounded so that a stream of unique subjects cannot grow it without limit.
 */
const ROUTE_CACHE_LIMIT = 10_000;

/**
 * The in-process transport: synchronous hand-off to subscribers in the same process. Used by the
 * embedded mode and by every test; a NATS adapter implements the same port for several processes.
 */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  private readonly exact = new Map<string, Sub[]>();
  private wildcards: Sub[] = [];
  private readonly routes = new Map<string, Route>();
  private closed = false;

  publish(subject: string, envelope: Envelope, replyTo?: string): void {
    if (this.closed) return;
    const route = this.routes.get(subject) ?? this.resolve(subject);
    const plain = route.plain;
    for (let i = 0; i < plain.length; i++) {
      const sub = plain[i] as Sub;
      if (sub.active) call(sub, envelope, replyTo);
    }
    const groups = route.groups;
    for (let i = 0; i < groups.length; i++) {
      const member = pick(groups[i] as Group);
      if (member) call(member, envelope, replyTo);
    }
  }

  interest(subject: string): Interest {
    if (this.closed) return 'none';
    const route = this.routes.get(subject) ?? this.resolve(subject);
    return route.plain.length + route.groups.length > 0 ? 'some' : 'none';
  }

  subscribe(
    pattern: string,
    handler: TransportHandler,
    options: SubscribeOptions = {},
  ): TransportSubscription {
    const wild = pattern.includes('*') || pattern.includes('>');
    const sub: Sub = {
      pattern,
      tokens: wild ? pattern.split('.') : null,
      handler,
      queue: options.queue,
      active: !this.closed,
    };
    if (this.closed) return { pattern, unsubscribe() {} };
    if (wild) this.wildcards.push(sub);
    else {
      const list = this.exact.get(pattern);
      if (list) list.push(sub);
      else this.exact.set(pattern, [sub]);
    }
    this.routes.clear();
    return { pattern, unsubscribe: () => this.remove(sub) };
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const list of this.exact.values()) for (const sub of list) sub.active = false;
    for (const sub of this.wildcards) sub.active = false;
    this.exact.clear();
    this.wildcards = [];
    this.routes.clear();
  }

  private remove(sub: Sub): void {
    if (!sub.active) return;
    sub.active = false;
    if (sub.tokens) this.wildcards = this.wildcards.filter((s) => s !== sub);
    else {
      const list = this.exact.get(sub.pattern)?.filter((s) => s !== sub) ?? [];
      if (list.length > 0) this.exact.set(sub.pattern, list);
      else this.exact.delete(sub.pattern);
    }
    this.routes.clear();
  }

  private resolve(subject: string): Route {
    const matched: Sub[] = [...(this.exact.get(subject) ?? [])];
    for (const sub of this.wildcards) if (matchSubject(sub.tokens as string[], subject)) matched.push(sub);
    const plain: Sub[] = [];
    const byQueue = new Map<string, Sub[]>();
    for (const sub of matched) {
      if (sub.queue === undefined) plain.push(sub);
      else {
        const members = byQueue.get(sub.queue);
        if (members) members.push(sub);
        else byQueue.set(sub.queue, [sub]);
      }
    }
    const route: Route = { plain, groups: [...byQueue.values()].map((members) => ({ members, next: 0 })) };
    if (this.routes.size >= ROUTE_CACHE_LIMIT) this.routes.clear();
    this.routes.set(subject, route);
    return route;
  }
}

/** The next active member in round-robin order (NATS picks at random; neither knows load). */
function pick(group: Group): Sub | undefined {
  const members = group.members;
  const n = members.length;
  for (let k = 0; k < n; k++) {
    const index = (group.next + k) % n;
    const sub = members[index] as Sub;
    if (sub.active) {
      group.next = (index + 1) % n;
      return sub;
    }
  }
  return undefined;
}

/** A subscriber's bug must not stop delivery to the others; it is reported instead. */
function call(sub: Sub, envelope: Envelope, replyTo: string | undefined): void {
  try {
    sub.handler(envelope, replyTo);
  } catch (error) {
    process.emitWarning(
      `bus subscriber ${sub.pattern} threw: ${(error as Error)?.stack ?? String(error)}`,
      'MagnaBusSubscriber',
    );
  }
}
