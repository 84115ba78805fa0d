import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openSystem } from '../../src/runtime/system.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { REPO_ROOT } from '../support/cli.js';
import { contentionAgent, contentionKey, contentionQueueOptions } from '../support/contention-agent.js';
import { until } from '../support/system.js';

const TASKS = 5_000;

interface Child {
  child: ChildProcess;
  stderr: () => string;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

function spawnScript(script: string, arg: string): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(REPO_ROOT, 'test/support', script), arg],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = new Promise<void>((ok, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ok();
    });
    void exited.then((code) => fail(new Error(`${script} exited ${code} before ready: ${stderr}`)));
  });
  return { child, stderr: () => stderr, ready, exited };
}

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

describe('two nodes on one home, the machine loaded by a third busy writer', () => {
  it(`settle ${TASKS} tasks with no lock error, no attempt spent on contention, nothing lost or done twice`, async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-contention-'));
    const system = await openSystem({
      overrides: { home, log: { level: 'silent' }, queue: contentionQueueOptions },
      agents: [contentionAgent()],
      builtins: false,
    });
    try {
      for (let i = 0; i < TASKS; i += 500) {
        await system.queue.enqueueMany(
          Array.from({ length: 500 }, (_, k) => ({ skill: 'contend.work', input: { n: i + k } })),
        );
      }
      const busy = spawnScript('busy-writer.ts', databasePath(system.config));
      children.push(busy);
      await busy.ready;
      const nodes = [spawnScript('contention-node.ts', home), spawnScript('contention-node.ts', home)];
      children.push(...nodes);
      await Promise.all(nodes.map((n) => n.ready));
      await until(
        async () => {
          const counts = await system.queue.store.countByState();
          const by = (state: string) =>
            counts.filter((c) => c.state === state).reduce((n, c) => n + c.count, 0);
          if (by('dead') > 0) throw new Error('a task was dead-lettered');
          return by('succeeded') === TASKS;
        },
        480_000,
        'every task to succeed',
      );
      for (const c of [...nodes, busy]) c.child.kill('SIGTERM');
      expect(await Promise.all(nodes.map((n) => n.exited))).toEqual([0, 0]);
      await busy.exited;

      // 0 lock errors surfaced: the nodes logged no warning or error (they log JSON at warn).
      for (const n of nodes) expect(n.stderr()).toBe('');
      const tasks = await system.queue.list({ limit: TASKS + 1 });
      expect(tasks).toHaveLength(TASKS); // 0 lost
      expect(tasks.filter((t) => t.state !== 'succeeded')).toEqual([]);
      // 0 attempts spent on contention: every task settled on its first attempt.
      expect(tasks.filter((t) => t.attempt !== 1).map((t) => t.id)).toEqual([]);
    } finally {
      await system.close();
    }
    // 0 double effects: one outbox row per task, under its own key.
    const db = openSqlite(join(home, 'magnatronic.db'));
    try {
      const rows = db.prepare('SELECT key FROM task_effects').all() as Array<{ key: string }>;
      expect(rows).toHaveLength(TASKS);
      expect(new Set(rows.map((r) => r.key))).toEqual(
        new Set(Array.from({ length: TASKS }, (_, n) => contentionKey(n))),
      );
    } finally {
      db.close();
    }
  }, 600_000);
});
