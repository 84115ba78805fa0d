import { MemoryTransport } from '../bus/memory/transport.js';
import type { Transport } from '../bus/transport.js';
import type { MagnaConfig } from '../core/config.js';
import type { Logger } from '../observability/logger.js';

/**
 * Picks the bus transport: in process unless `bus.url` names NATS servers. The NATS client is
 * imported only then, so a single-process start never loads it. Connecting waits for a server
 * that is not up yet (a container may start before NATS) and reconnects forever afterwards.
 */
export async function openTransport(
  config: MagnaConfig['bus'],
  logger: Logger,
  name: string,
): Promise<Transport> {
  if (config.url === undefined) return new MemoryTransport();
  const { NatsTransport } = await import('../bus/nats/transport.js');
  const tls =
    config.tlsCa || config.tlsCert || config.tlsKey
      ? {
          ...(config.tlsCa ? { caFile: config.tlsCa } : {}),
          ...(config.tlsCert ? { certFile: config.tlsCert } : {}),
          ...(config.tlsKey ? { keyFile: config.tlsKey } : {}),
        }
      : undefined;
  return NatsTransport.connect({
    url: config.url,
    prefix: config.prefix,
    name,
    waitForServer: true,
    ...(tls ? { tls } : {}),
    onEvent: (event) => {
      if (event.type === 'invalid-message')
        logger.warn({ err: event.error, subject: event.subject }, 'bus: dropped an invalid NATS message');
      else if (event.type === 'reconnected') logger.info({ server: event.server }, 'bus: NATS reconnected');
      else logger.warn({ server: event.server }, `bus: NATS ${event.type}`);
    },
  });
}
