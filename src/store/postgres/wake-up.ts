import pg from 'pg';
import type { WakeUp } from '../../queue/wake-up.js';
import type { DatabaseConfig } from '../stores.js';
import { connectionOptions, type PgPool } from './connection.js';

/** The NOTIFY channel; payloads are JSON arrays of skill names (well under the 8,000-byte limit). */
const CHANNEL = 'magnatronic_ready';
/** Reconnect backoff of the listening connection after the server went away (ms). */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * Wakes idle workers in other processes through LISTEN/NOTIFY on the shared database. One
 * dedicated connection listens (a pooled one could be handed to a query mid-LISTEN); notifies go
 * through the pool, batched per tick. After a restart of the server the listener reconnects with
 * backoff; meanwhile nodes fall back to polling, so a lost notification delays, never loses, work.
 */
export class PostgresWakeUp implements WakeUp {
  private readonly listeners = new Set<(skills: readonly string[]) => void>();
  private pending = new Set<string>();
  private client: pg.Client | null = null;
  private closed = false;
  private delay = RECONNECT_MIN_MS;
  private retry: NodeJS.Timeout | null = null;
  /** Resolves once the first LISTEN is in place (or failed): tests wait on it. */
  readonly ready: Promise<void>;

  constructor(
    private readonly config: DatabaseConfig,
    private readonly pool: PgPool,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.ready = this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    // Same URL and TLS settings as the pool, through the one place that reads them.
    const client = new pg.Client(connectionOptions(this.config));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let skills: unknown;
      try {
        skills = JSON.parse(message.payload);
      } catch {
        return;
      }
      if (!Array.isArray(skills)) return;
      for (const listener of this.listeners) listener(skills as string[]);
    });
    client.on('error', (error) => this.onError(error));
    client.on('end', () => {
      if (this.client === client) this.client = null;
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.delay = RECONNECT_MIN_MS;
    } catch (error) {
      this.onError(error as Error);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.delay);
    this.retry.unref();
    this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
  }

  notify(skills: readonly string[]): void {
    if (this.closed || skills.length === 0) return;
    const first = this.pending.size === 0;
    for (const skill of skills) this.pending.add(skill);
    if (!first) return;
    queueMicrotask(() => {
      const batch = [...this.pending];
      this.pending = new Set();
      this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(batch)]).catch((error: Error) => {
        this.onError(error);
      });
    });
  }

  subscribe(listener: (skills: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
