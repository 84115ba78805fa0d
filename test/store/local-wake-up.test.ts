import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalWakeUp } from '../../src/store/sqlite/local-wake-up.js';
import { until } from '../support/system.js';

describe('local wake-up channel (processes on one home)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function home(): string {
    const dir = mkdtempSync(join(tmpdir(), 'magna-wake-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function open(dir: string): Promise<LocalWakeUp> {
    const channel = await LocalWakeUp.open(dir);
    if (!channel) throw new Error('Unix sockets unavailable');
    cleanups.push(() => channel.close());
    return channel;
  }

  it("wakes the other processes' listeners, merging one tick's notifications, and not its own", async () => {
    const dir = home();
    const a = await open(dir);
    const b = await open(dir);
    const c = await open(dir);
    const got: Record<string, string[][]> = { a: [], b: [], c: [] };
    a.subscribe((skills) => got.a?.push([...skills]));
    b.subscribe((skills) => got.b?.push([...skills]));
    c.subscribe((skills) => got.c?.push([...skills]));
    // Peers are found by watching the folder; wait until a's wake-ups reach both.
    await until(
      () => {
        a.notify(['probe']);
        return (got.b?.length ?? 0) > 0 && (got.c?.length ?? 0) > 0;
      },
      10_000,
      'peers to connect',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    got.b = [];
    got.c = [];
    a.notify(['research.collect']);
    a.notify(['knowledge.ingest', 'research.collect']);
    await until(() => (got.b?.length ?? 0) > 0 && (got.c?.length ?? 0) > 0, 10_000, 'wake-ups');
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const peer of [got.b, got.c])
      expect(peer?.map((s) => s.sort())).toEqual([['knowledge.ingest', 'research.collect']]);
    expect(got.a).toEqual([]);
  });

  it('removes the socket of a process that died without closing it', async () => {
    const dir = home();
    mkdirSync(join(dir, 'wake'), { recursive: true });
    const stale = join(dir, 'wake', '999999-dead.sock');
    const child = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`,
    ]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(stale)).toBe(true);
    await open(dir);
    await until(() => !existsSync(stale), 10_000, 'the stale socket to be removed');
  });

  it('stops hearing and removes its socket on close', async () => {
    const dir = home();
    const a = await open(dir);
    const b = await LocalWakeUp.open(dir);
    if (!b) throw new Error('Unix sockets unavailable');
    const got: string[][] = [];
    b.subscribe((skills) => got.push([...skills]));
    await until(
      () => {
        a.notify(['x']);
        return got.length > 0;
      },
      10_000,
      'connected',
    );
    await b.close();
    expect(existsSync(join(dir, 'wake'))).toBe(true);
    const files = (await import('node:fs')).readdirSync(join(dir, 'wake'));
    expect(files).toHaveLength(1);
  });
});
