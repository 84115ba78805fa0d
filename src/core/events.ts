/**
 * The typed event stream. Every state change in the system is one event with a `noun:verb` name;
 * logs, metrics, the dashboard's live view and the Monitoring agent all listen to this one stream.
 * Modules add their events to EventMap here, so the full vocabulary is readable in one place.
 */
export interface TaskEventBase {
  taskId: string;
  skill: string;
  missionId: string | null;
  attempt: number;
}

export interface EventMap {
  'task:queued': TaskEventBase & { priority: number; runAt: number; waitingOn: number };
  'task:started': TaskEventBase & { workerId: string; agent?: string };
  'task:progress': TaskEventBase & { progress: number; message?: string };
  'task:succeeded': TaskEventBase & { durationMs: number };
  'task:failed': TaskEventBase & { error: { code: string; message: string }; willRetry: boolean };
  'task:retrying': TaskEventBase & { runAt: number; delayMs: number };
  'task:dead': TaskEventBase & { error: { code: string; message: string } };
  'task:cancelled': TaskEventBase & { reason: string };
  'mission:created': { missionId: string; goal: string; tasks: number };
  'mission:finished': { missionId: string; status: 'succeeded' | 'failed' | 'cancelled' };
  'agent:status': { agentId: string; name: string; status: AgentStatus; load: number };
  'node:status': { nodeId: string; status: 'starting' | 'running' | 'draining' | 'stopped' };
  'bus:delivered': { messageId: string; receiver: string; performative: string };
  'bus:dead-letter': { messageId: string; receiver: string; reason: string };
  'kb:document': { documentId: string; namespace: string; version: number; created: boolean };
  'kb:fact': { factId: string; namespace: string; predicate: string };
  'kb:conflict': {
    conflictId: string;
    namespace: string;
    predicate: string;
    subject: string;
    policy: string;
    writer: string;
  };
  'kb:merge': { mergeId: string; survivorId: string; mergedId: string };
  'research:source': {
    missionId: string | null;
    url: string;
    status: 'ok' | 'failed' | 'skipped';
    reason?: string;
  };
  'security:auth-failed': { reason: string; ip?: string };
  'audit:record': { seq: number; actor: string; action: string; outcome: string };
  'alert:raised': { alertId: string; severity: 'info' | 'warning' | 'critical'; message: string };
}

export type AgentStatus = 'starting' | 'idle' | 'busy' | 'draining' | 'down';
export type EventName = keyof EventMap;
export type AnyEvent = { [K in EventName]: { type: K; at: number; data: EventMap[K] } }[EventName];

type Listener<K extends EventName> = (data: EventMap[K], type: K) => void;

/**
 * One process's view of the system's event stream. With a cluster bus (NATS), an EventBridge
 * (src/bus/event-bridge.ts) forwards what this process emits and delivers what the others emit,
 * so listeners see the work of every process; `onLocal` sees only this process's own events.
 */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly anyListeners = new Set<(event: AnyEvent) => void>();
  private readonly localListeners = new Set<(event: AnyEvent) => void>();

  on<K extends EventName>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as unknown as Listener<EventName>);
    return () => set.delete(listener as unknown as Listener<EventName>);
  }

  /** Every event, for sinks that forward the whole stream (SSE, metrics, logs). */
  onAny(listener: (event: AnyEvent) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Only the events emitted in this process, not those received from others: what a bridge forwards. */
  onLocal(listener: (event: AnyEvent) => void): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /** True when an emit of `type` would reach a listener; lets hot paths skip building the event. */
  listening(type: EventName): boolean {
    return (
      this.anyListeners.size > 0 || this.localListeners.size > 0 || (this.listeners.get(type)?.size ?? 0) > 0
    );
  }

  emit<K extends EventName>(type: K, data: EventMap[K]): void {
    const set = this.listeners.get(type);
    if (set) for (const listener of set) safeCall(() => listener(data, type));
    if (this.anyListeners.size > 0 || this.localListeners.size > 0) {
      const event = { type, at: Date.now(), data } as AnyEvent;
      for (const listener of this.anyListeners) safeCall(() => listener(event));
      for (const listener of this.localListeners) safeCall(() => listener(event));
    }
  }

  /** An event another process emitted: reaches every listener here except the onLocal ones. */
  receive(event: AnyEvent): void {
    const set = this.listeners.get(event.type);
    if (set) for (const listener of set) safeCall(() => listener(event.data, event.type));
    for (const listener of this.anyListeners) safeCall(() => listener(event));
  }
}

/** A listener's bug must not break the operation that emitted the event; it is reported instead. */
function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    process.emitWarning(
      `event listener threw: ${(error as Error)?.stack ?? String(error)}`,
      'MagnaEventListener',
    );
  }
}
