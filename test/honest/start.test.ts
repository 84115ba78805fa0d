import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSystem } from '../../src/runtime/system.js';
import { cli, REPO_ROOT } from '../support/cli.js';

const TSX = pathToFileURL(resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
/** Each CLI run starts Node with the TypeScript loader: seconds apiece on a loaded 2-core box. */
const CLI_TIMEOUT_MS = 180_000;

interface Running {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `magnatronic <args>` from source and follows its stderr (where the logs go). */
function spawnCli(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(
    process.execPath,
    ['--import', TSX, resolve(REPO_ROOT, 'test/support/cli-entry.ts'), ...args],
    {
      env: { ...process.env, MAGNA_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of [...waiters]) if (w.pattern.test(text)) w.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern) {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise<void>((ok, fail) => {
        waiters.push({ pattern, resolve: ok });
        void exited.then(() => {
          if (!pattern.test(text)) fail(new Error(`exited before ${pattern}: ${text}`));
        });
      });
    },
  };
}

async function takenPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, port: (server.address() as { port: number }).port };
}

describe('start', () => {
  const started: Running[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const r of started.splice(0)) r.child.kill('SIGKILL');
    for (const s of servers.splice(0)) await new Promise((ok) => s.close(ok));
  });

  it(
    'exits with SERVER_PORT_IN_USE on a taken port, before registering anything',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-port-'));
      const { server, port } = await takenPort();
      servers.push(server);
      const second = cli(['--home', home, 'start'], { cwd: home, env: { MAGNA_SERVER_PORT: String(port) } });
      expect(second.code).toBe(75);
      expect(second.stderr).toContain(
        `error SERVER_PORT_IN_USE: Another process listens on 127.0.0.1:${port}`,
      );
      expect(second.stderr).not.toMatch(/\n\s+at /);
      // No database, so no agent left registered as idle.
      expect(existsSync(join(home, 'magnatronic.db'))).toBe(false);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'stops cleanly on SIGTERM during start-up',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-signal-'));
      const node = spawnCli(['--home', home, '--log-level', 'info', 'start'], { MAGNA_SERVER_PORT: '0' });
      started.push(node);
      // "starting" is logged once the handlers are in and before the store is opened.
      await node.waitFor(/"msg":"starting"/);
      node.child.kill('SIGTERM');
      const { code, signal } = await node.exited;
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(node.output()).toMatch(/"msg":"stopped( during start-up)?"/);
      expect(node.output()).not.toContain('"level":50');
      // Whatever it had registered is down, not left idle.
      if (existsSync(join(home, 'magnatronic.db'))) {
        const system = await openSystem({ overrides: { home, log: { level: 'silent' } } });
        try {
          const agents = await system.agents.list();
          expect(agents.filter((a) => a.status !== 'down')).toEqual([]);
        } finally {
          await system.close();
        }
      }
    },
    CLI_TIMEOUT_MS,
  );
});

describe('a home belongs to its processes', () => {
  const started: Running[] = [];
  afterEach(() => {
    for (const r of started.splice(0)) r.child.kill('SIGKILL');
  });

  async function liveStart(home: string): Promise<Running> {
    const node = spawnCli(['--home', home, '--log-level', 'info', 'start'], { MAGNA_SERVER_PORT: '0' });
    started.push(node);
    await node.waitFor(/"msg":"node started"/);
    return node;
  }

  it(
    'restore refuses while a start process serves the home, and restores once it was asked to stop and drained',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-restore-live-'));
      const node = await liveStart(home);
      const listed = cli(['--home', home, 'nodes', '--json'], { cwd: home });
      expect(listed.code).toBe(0);
      const processes = JSON.parse(listed.stdout) as Array<{
        pid: number;
        kind: string;
        state: string;
        agents: string[];
      }>;
      expect(processes).toHaveLength(1);
      expect(processes[0]).toMatchObject({ pid: node.child.pid, kind: 'start', state: 'running' });
      expect(processes[0]?.agents.length).toBeGreaterThan(0);

      const file = join(home, '..', `${home.split('/').at(-1)}.magnabak`);
      expect(cli(['--home', home, 'backup', file], { cwd: home }).code).toBe(0);
      const refused = cli(['--home', home, 'restore', file, '--force'], { cwd: home });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain(
        `error HOME_IN_USE: 1 live process holds ${home}: pid ${node.child.pid}`,
      );
      expect(readdirSync(home).filter((f) => f.startsWith('pre-restore'))).toEqual([]);
      expect(node.child.exitCode).toBeNull();

      const restored = cli(['--home', home, 'restore', file, '--force', '--stop-processes'], { cwd: home });
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect((await node.exited).code).toBe(0); // drained, not killed
      expect(node.output()).toContain('"msg":"stopped"');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'a start process whose database file is replaced stops with STORE_REPLACED',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-replaced-'));
      const node = await liveStart(home);
      const db = join(home, 'magnatronic.db');
      // What a restore from another process, or a copy over the file, does: a new file, a new inode.
      copyFileSync(db, `${db}.copy`);
      renameSync(`${db}.copy`, db);
      const { code } = await node.exited;
      expect(code).toBe(75);
      expect(node.output()).toContain('STORE_REPLACED');
    },
    CLI_TIMEOUT_MS,
  );
});
