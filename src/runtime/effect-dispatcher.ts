import { appendFile } from 'node:fs/promises';
import type { MessageBus } from '../bus/bus.js';
import type { MagnaConfig } from '../core/config.js';
import { MagnaError } from '../core/errors.js';
import type { Logger } from '../observability/logger.js';
import type { EffectStore, OutboxEffect } from '../queue/effects-port.js';

/** Delivers one effect; throws when it was not accepted (the dispatcher retries). */
export type EffectSink = (effect: OutboxEffect) => Promise<void>;

export interface SinkRoute {
  /** An effect kind, or a prefix ending in `*`. */
  kind: string;
  name: string;
  sink: EffectSink;
}

function body(effect: OutboxEffect): string {
  const { key, kind, taskId, payload, createdAt } = effect;
  return JSON.stringify({ key, kind, taskId, payload, createdAt });
}

/** POSTs the effect as JSON with `Idempotency-Key: <key>`; any 2xx answer counts as delivered. */
export function webhookSink(url: string, timeoutMs: number): EffectSink {
  return async (effect) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': effect.key },
      body: body(effect),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new MagnaError('UNAVAILABLE', `${url} answered ${response.status}`);
  };
}

/** Appends the effect as one JSON line (the key in each line lets a reader skip repeats). */
export function fileSink(path: string): EffectSink {
  return (effect) => appendFile(path, `${body(effect)}\n`);
}

/** Publishes the effect on a bus topic, sent as the `effects` agent. */
export function busSink(bus: MessageBus, topic: string): EffectSink {
  const messaging = bus.messagingFor('effects');
  return async (effect) => {
    await messaging.publish(topic, JSON.parse(body(effect)));
  };
}

export function sinksFromConfig(config: Readonly<MagnaConfig>, bus: MessageBus): SinkRoute[] {
  return config.effects.sinks.map((s) => {
    if (s.webhook)
      return {
        kind: s.kind,
        name: `webhook ${s.webhook}`,
        sink: webhookSink(s.webhook, config.effects.timeoutMs),
      };
    if (s.file) return { kind: s.kind, name: `file ${s.file}`, sink: fileSink(s.file) };
    return { kind: s.kind, name: `topic ${s.topic}`, sink: busSink(bus, s.topic as string) };
  });
}

function matches(route: SinkRoute, kind: string): boolean {
  return route.kind.endsWith('*') ? kind.startsWith(route.kind.slice(0, -1)) : route.kind === kind;
}

/** Retries wait 1 s doubling to 5 minutes, with full jitter. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** Undelivered effects read per round, oldest first. */
const BATCH = 200;

/**
 * Delivers outbox effects after their task's transaction committed, and marks each delivered.
 * At-least-once: a crash between the sink accepting an effect and the mark, a timeout the
 * receiver did act on, or two dispatchers on one home can each send an effect again, always
 * under the same key, so a receiver that remembers keys acts on each effect exactly once.
 * Failed deliveries are retried with backoff; the retry schedule lives in this process (a
 * restarted dispatcher tries pending effects again at once). Effects of kinds no sink takes stay
 * in the outbox, undelivered, for `magnatronic effects list`.
 */
export class EffectDispatcher {
  private readonly failures = new Map<string, { attempts: number; nextAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: EffectStore,
    private readonly routes: SinkRoute[],
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.routes.length === 0) return;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'effects: delivery round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: every due, undelivered effect with a sink is sent; returns how many were delivered. */
  async deliverDue(now = Date.now()): Promise<number> {
    let delivered = 0;
    for (const effect of await this.store.pending(BATCH)) {
      const route = this.routes.find((r) => matches(r, effect.kind));
      const failed = this.failures.get(effect.key);
      if (!route || (failed && failed.nextAt > now)) continue;
      try {
        await route.sink(effect);
      } catch (error) {
        const attempts = (failed?.attempts ?? 0) + 1;
        const delay = Math.round(this.random() * Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1)));
        this.failures.set(effect.key, { attempts, nextAt: Date.now() + delay });
        this.logger.warn(
          { err: error, key: effect.key, kind: effect.kind, sink: route.name, attempts, retryInMs: delay },
          'effects: delivery failed; will retry',
        );
        continue;
      }
      this.failures.delete(effect.key);
      await this.store.markDelivered(effect.key, Date.now());
      delivered++;
    }
    return delivered;
  }
}
