import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  copyFileSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ThrowawayCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres, with `query` appended. */
  url(query?: string): string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/**
 * A PostgreSQL cluster of its own (initdb) on a free port, accepting only TLS connections with the
 * given server certificate: the machine's shared server is never restarted or reconfigured by a
 * test. initdb refuses to run as root, so as root the cluster belongs to the postgres user.
 */
export async function startTlsCluster(tls: {
  serverCert: string;
  serverKey: string;
}): Promise<ThrowawayCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'magna-pgc-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim() : null;
  const ownerGroup = asRoot ? execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim() : null;
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args], { stdio: 'pipe' })
      : execFileSync(join(BIN, bin), args, { stdio: 'pipe' });
  if (owner && ownerGroup) chownSync(dir, Number(owner), Number(ownerGroup));
  chmodSync(dir, 0o700);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server-key.pem');
  copyFileSync(tls.serverCert, cert);
  copyFileSync(tls.serverKey, key);
  chmodSync(key, 0o600);
  if (owner && ownerGroup) {
    chownSync(cert, Number(owner), Number(ownerGroup));
    chownSync(key, Number(owner), Number(ownerGroup));
  }
  const port = await freePort();
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'ssl = on',
    `ssl_cert_file = '${cert}'`,
    `ssl_key_file = '${key}'`,
    'fsync = off',
    'max_connections = 40',
  ];
  // Existing files keep their owner when rewritten.
  appendFileSync(join(data, 'postgresql.conf'), `${conf.join('\n')}\n`);
  // TCP only over TLS: a client that does not negotiate TLS is refused.
  writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
  const log = join(dir, 'log');
  const start = () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    port,
    url: (query = '') => `postgres://postgres@127.0.0.1:${port}/postgres${query}`,
    start,
    stop,
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
