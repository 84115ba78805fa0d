import { createServer } from 'node:net';
import { MagnaError } from '../core/errors.js';

function portInUse(host: string, port: number, cause?: unknown): MagnaError {
  return new MagnaError(
    'SERVER_PORT_IN_USE',
    `Another process listens on ${host}:${port}. Stop it, or choose another port (server.port in the config, MAGNA_SERVER_PORT).`,
    { details: { host, port }, ...(cause ? { cause } : {}) },
  );
}

/**
 * Checks that the API port is free before a process registers anything in its home: a node that
 * fails to serve must not stay behind as a worker. Binds and releases the port; port 0 (any free
 * port) needs no check.
 */
export async function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portInUse(host, port, error) : error),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Maps a listen error to the coded one when the port was taken between the check and the listen. */
export function listenError(error: unknown, host: string, port: number): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
    ? portInUse(host, port, error)
    : error;
}
