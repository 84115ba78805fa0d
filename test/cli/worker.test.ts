import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSystem } from '../../src/runtime/system.js';
import { freePort } from '../bus/nats-server.js';
import { CLI_TEST_TIMEOUT, cli, REPO_ROOT } from '../support/cli.js';
import gated from '../support/gated-agent.js';
import { until } from '../support/system.js';

const TSX = pathToFileURL(resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('magnatronic worker', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(
    'hosts the chosen agents without an API, reports health, and on SIGTERM stops being ready and drains its task',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-worker-'));
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      // The submitting process knows the skill (its catalog checks inputs) but hosts no node.
      const submitter = await openSystem({ overrides: { home, log: { level: 'silent' } }, agents: [gated] });
      cleanups.push(() => submitter.close());
      const port = await freePort();
      const child: ChildProcess = spawn(
        process.execPath,
        [
          '--import',
          TSX,
          resolve(REPO_ROOT, 'test/support/cli-entry.ts'),
          'worker',
          '--agents',
          'knowledge',
          '--modules',
          resolve(REPO_ROOT, 'test/support/gated-agent.ts'),
          '--health-port',
          String(port),
        ],
        {
          env: {
            ...process.env,
            MAGNA_HOME: home,
            MAGNA_LOG_FORMAT: 'json',
            MAGNA_QUEUE_POLL_MS: '20',
            MAGNA_NODE_SHUTDOWN_GRACE_MS: '120000',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout?.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.stderr?.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      cleanups.push(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      await until(() => output.includes('worker started'), 180_000, `the worker to start: ${output}`);
      expect(JSON.parse(output.split('\n').find((l) => l.includes('worker started')) ?? '{}')).toMatchObject({
        agents: ['knowledge', 'gated'],
      });
      expect(await get(port, '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
      expect((await get(port, '/readyz')).status).toBe(200);

      const gateFile = join(home, 'go');
      const task = await submitter.queue.enqueue({ skill: 'gated.wait', input: { file: gateFile } });
      await until(
        async () => (await submitter.queue.get(task.id))?.state === 'running',
        60_000,
        'the task to run',
      );
      child.kill('SIGTERM');
      await until(async () => (await get(port, '/readyz')).status === 503, 60_000, 'readyz to turn 503');
      expect(JSON.parse((await get(port, '/readyz')).body)).toEqual({ status: 'draining' });
      writeFileSync(gateFile, '');
      expect(await exited).toBe(0);
      expect((await submitter.queue.get(task.id))?.state).toBe('succeeded');
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses an unknown agent name with INVALID_ARGUMENT',
    () => {
      const home = mkdtempSync(join(tmpdir(), 'magna-worker-bad-'));
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      const result = cli(['--home', home, 'worker', '--agents', 'research,nonsense'], { cwd: home });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('nonsense');
    },
    CLI_TEST_TIMEOUT,
  );
});
