import { existsSync } from 'node:fs';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { MagnaError } from '../../core/errors.js';
import { type Envelope, parseEnvelope } from '../envelope.js';
import type {
  Interest,
  SubscribeOptions,
  Transport,
  TransportHandler,
  TransportSubscription,
} from '../transport.js';

export interface NatsTransportOptions {
  /** `nats://host:port` or `tls://host:port`; several servers separated by commas. */
  url: string;
  /**
   * First subject token of everything this transport sends and receives (default `magna`), so
   * that several systems (or concurrent test runs) share one NATS without hearing each other.
   */
  prefix?: string;
  /** PEM files: the CA that signed the server's certificate; a client certificate and key if the server asks for one. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Shown in the server's monitoring (connz), e.g. the node id. */
  name?: string;
  /**
   * Keep trying until a first server answers (a container started before NATS), instead of
   * failing at once. Either way a connection once made reconnects forever.
   */
  waitForServer?: boolean;
  /** How long one connection attempt (TCP, TLS handshake, CONNECT) may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Connection state changes and dropped undecodable messages; never throws. */
  onEvent?: (event: NatsTransportEvent) => void;
}

export type NatsTransportEvent =
  | { type: 'disconnected' | 'reconnecting' | 'reconnected'; server: string }
  | { type: 'invalid-message'; subject: string; error: MagnaError };

/**
 * Reconnect forever: a bus must come back when NATS does, however long it was gone. Waits grow
 * 100 ms, 200 ms, ... up to 5 s, plus up to 25% jitter so restarted clusters are not stormed.
 */
function reconnectDelay(attempts: number): number {
  const base = Math.min(5_000, 100 * 2 ** Math.min(attempts, 6));
  return base + Math.floor(Math.random() * base * 0.25);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The bus transport over NATS core: one subject per agent, role and topic under the prefix,
 * queue groups for agents and roles, request/reply through the bus's `_inbox.<busId>` subject.
 * Envelopes travel as JSON and are re-validated with parseEnvelope on arrival (the network is a
 * boundary). Delivery is at most once, as NATS core's is: durable messages are kept by the bus's
 * message store (the database), which redelivers what a lost process never acknowledged.
 */
export class NatsTransport implements Transport {
  readonly name = 'nats';
  private readonly prefix: string;
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    prefix: string,
    private readonly onEvent: (event: NatsTransportEvent) => void,
    private readonly backoff: { attempts: number },
  ) {
    this.prefix = `${prefix}.`;
    void this.watchStatus();
  }

  /**
   * Connects and resolves once connected. Fails with CONFIG_INVALID for a malformed URL or
   * prefix, UNAVAILABLE when no server answers (unless waitForServer) or TLS fails.
   */
  static async connect(options: NatsTransportOptions): Promise<NatsTransport> {
    const prefix = options.prefix ?? 'magna';
    if (!/^[\w-]+(\.[\w-]+)*$/.test(prefix))
      throw new MagnaError('CONFIG_INVALID', `NATS subject prefix "${prefix}" must be dot-separated words.`);
    const servers = options.url.split(',').map((s) => s.trim());
    for (const server of servers) {
      if (!/^(nats|tls):\/\/[^\s/]+$/.test(server))
        throw new MagnaError('CONFIG_INVALID', `"${server}" is not a nats:// or tls:// URL (host:port).`);
    }
    for (const file of Object.values(options.tls ?? {})) {
      if (file !== undefined && !existsSync(file))
        throw new MagnaError('CONFIG_INVALID', `The NATS TLS file ${file} does not exist.`);
    }
    const wantsTls = servers.some((s) => s.startsWith('tls://')) || options.tls !== undefined;
    const backoff = { attempts: 0 };
    try {
      const nc = await connect({
        servers,
        name: options.name ?? 'magnatronic',
        maxReconnectAttempts: -1,
        waitOnFirstConnect: options.waitForServer === true,
        timeout: options.connectTimeoutMs ?? 10_000,
        reconnectDelayHandler: () => reconnectDelay(backoff.attempts++),
        ...(wantsTls ? { tls: { ...options.tls } } : {}),
      });
      return new NatsTransport(nc, prefix, options.onEvent ?? (() => {}), backoff);
    } catch (cause) {
      throw new MagnaError(
        'UNAVAILABLE',
        `Cannot connect to NATS at ${options.url}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  publish(subject: string, envelope: Envelope, replyTo?: string): void {
    if (this.closed) return;
    const data = encoder.encode(JSON.stringify(envelope));
    try {
      this.nc.publish(
        this.prefix + subject,
        data,
        replyTo === undefined ? undefined : { reply: this.prefix + replyTo },
      );
    } catch {
      // Closed under us (close() racing a send): dropped, as publish after close is.
    }
  }

  /** A broker cannot know who listens: a message nobody hears is simply gone (non-durable). */
  interest(_subject: string): Interest {
    return this.closed ? 'none' : 'unknown';
  }

  subscribe(
    pattern: string,
    handler: TransportHandler,
    options: SubscribeOptions = {},
  ): TransportSubscription {
    if (this.closed) return { pattern, unsubscribe() {} };
    const cut = this.prefix.length;
    let sub: Subscription | undefined;
    sub = this.nc.subscribe(this.prefix + pattern, {
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      callback: (error, msg) => {
        if (error) return; // the subscription was closed by the server (permissions); nothing to hand on
        let envelope: Envelope;
        try {
          envelope = parseEnvelope(JSON.parse(decoder.decode(msg.data)));
        } catch (cause) {
          const coded =
            cause instanceof MagnaError
              ? cause
              : new MagnaError('BUS_INVALID_ENVELOPE', 'A NATS message is not JSON.', { cause });
          this.onEvent({ type: 'invalid-message', subject: msg.subject, error: coded });
          return;
        }
        const reply = msg.reply?.startsWith(this.prefix) ? msg.reply.slice(cut) : undefined;
        try {
          handler(envelope, reply);
        } catch (thrown) {
          process.emitWarning(
            `bus subscriber ${pattern} threw: ${(thrown as Error)?.stack ?? String(thrown)}`,
            'MagnaBusSubscriber',
          );
        }
      },
    });
    return {
      pattern,
      unsubscribe: () => {
        if (sub === undefined || this.closed) return;
        sub.unsubscribe();
        sub = undefined;
      },
    };
  }

  /** Resolves once the server has processed every subscription and publish made so far (a round trip). */
  async ready(): Promise<void> {
    if (!this.closed) await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // drain(): messages already received are still handed on and published ones are flushed.
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting' || status.type === 'reconnect') {
        const type =
          status.type === 'disconnect'
            ? 'disconnected'
            : status.type === 'reconnect'
              ? 'reconnected'
              : 'reconnecting';
        if (type === 'reconnected') this.backoff.attempts = 0;
        this.onEvent({ type, server: 'server' in status ? String(status.server) : '' });
      }
    }
  }
}
