import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway nats-server this test starts itself on a free port (never the shared one on 4222),
 * so that it may restart it or give it TLS settings.
 */
export interface ThrowawayNats {
  readonly port: number;
  readonly dir: string;
  /** Kills the server (SIGKILL) and starts it again on the same port with the same config. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `config` is the body of a nats-server config file; `listen` is added. */
export async function startNats(config = ''): Promise<ThrowawayNats> {
  const dir = mkdtempSync(join(tmpdir(), 'magna-nats-'));
  const port = await freePort();
  const file = join(dir, 'server.conf');
  writeFileSync(file, `listen: 127.0.0.1:${port}\n${config}\n`);
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(NATS_SERVER, ['-c', file], { stdio: 'ignore' });
    await waitForPort(port, child);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    dir,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the port accepts connections (the server is up), failing if the process exits. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
