import { createServer, type Server } from 'node:http';
import type { System } from './system.js';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Liveness and readiness for a process that serves no API (a worker), for container probes:
 * `GET /healthz` is 200 while the process answers; `GET /readyz` is 200 when the store answers
 * and the process is not draining, else 503 with the reason. No credentials: it says nothing
 * but up or down, and listens on its own port (bind it to a private address).
 */
export async function startHealthServer(
  system: Pick<System, 'readiness' | 'admin'>,
  options: { host: string; port: number },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { status: 'method not allowed' });
    if (req.url === '/healthz') return send(200, { status: 'ok' });
    if (req.url !== '/readyz') return send(404, { status: 'not found' });
    if (system.readiness.draining) return send(503, { status: 'draining' });
    system.admin.ping().then(
      (ok) =>
        ok
          ? send(200, { status: 'ready', checks: { store: 'ok' } })
          : send(503, { status: 'unavailable', checks: { store: 'down' } }),
      () => send(503, { status: 'unavailable', checks: { store: 'down' } }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
