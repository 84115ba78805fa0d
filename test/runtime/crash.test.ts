import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/queue/types.js';
import { openSystem, type System } from '../../src/runtime/system.js';
import { crashAgent, crashQueueOptions, effectKey, gateFile, QUICK_TASKS } from '../support/crash-agent.js';
import { until } from '../support/system.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'test/support/crash-node.ts');
const TASKS = 24;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function startNode(
  home: string,
  effects: string,
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, home, effects], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal }));
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  void exited.then(({ code }) => {
    if (code !== null && code !== 0) console.error(`node process exited ${code}: ${stderr}`);
  });
  return { child, exited };
}

/** One line per attempt that reached the handler: `n attempt pid time`. */
function fileEffects(path: string): Array<{ n: number; attempt: number; pid: number; at: number }> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [n, attempt, pid, at] = line.split(' ').map(Number);
      return { n: n!, attempt: attempt!, pid: pid!, at: at! };
    });
}

describe('a node process killed with SIGKILL mid-task', () => {
  it('leaves nothing lost or done twice: a new node completes every task, each taking effect once', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-crash-'));
    const effects = join(home, 'effects.log');
    // This process only enqueues and reads; the nodes run in their own processes.
    const system: System = await openSystem({
      overrides: { home, log: { level: 'silent' }, queue: crashQueueOptions },
      agents: [crashAgent(effects)],
      builtins: false,
    });
    cleanups.push(async () => {
      await system.close();
      rmSync(home, { recursive: true, force: true });
    });
    await system.queue.enqueueMany(
      [...Array(TASKS)].map((_, n) => ({
        id: `job-${n}`,
        skill: 'crash.work',
        input: { n },
        maxAttempts: 5,
      })),
    );
    const tasks = async (): Promise<Task[]> => system.queue.list({ limit: TASKS });

    const first = startNode(home, effects);
    // Kill once the quick tasks are done and held attempts are mid-work: they cannot finish until
    // the gate opens, so they are still mid-work when the kill lands, however slow the machine.
    let inFlight: number[] = [];
    await until(
      async () => {
        const now = await tasks();
        const running = new Set(now.filter((t) => t.state === 'running').map((t) => t.id));
        const done = now.filter((t) => t.state === 'succeeded').length;
        inFlight = fileEffects(effects)
          .filter((e) => running.has(`job-${e.n}`))
          .map((e) => e.n);
        return done >= QUICK_TASKS && inFlight.length > 0;
      },
      120_000,
      'held tasks mid-work on the first node',
    );
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const beforeRestart = await tasks();
    expect(beforeRestart.some((t) => t.state === 'running')).toBe(true);
    expect(beforeRestart.some((t) => t.state !== 'succeeded')).toBe(true);

    writeFileSync(gateFile(effects), '');
    const second = startNode(home, effects);
    await until(
      async () => (await tasks()).every((t) => t.state === 'succeeded'),
      180_000,
      'every task to succeed',
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const final = new Map((await tasks()).map((t) => [t.id, t]));
    expect(final.size).toBe(TASKS);
    // The transactional effect: exactly one outbox row per task, from the attempt that succeeded.
    const outbox = await system.queue.store.effects({ limit: 1000 });
    const rowsByTask = new Map<string, string[]>();
    for (const row of outbox) rowsByTask.set(row.taskId, [...(rowsByTask.get(row.taskId) ?? []), row.key]);
    for (const [id, task] of final) {
      const n = Number(id.slice('job-'.length));
      expect(rowsByTask.get(id), id).toEqual([effectKey(n, task.attempt)]);
    }
    expect(outbox.length).toBe(TASKS);

    // The file effect is at-least-once: an attempt cut short by the kill had already appended its
    // line, and the retry appends another. Nothing ties it to the commit, so it cannot be
    // exactly-once; that is what ctx.effect (the outbox) is for.
    const lines = fileEffects(effects);
    const count = new Map<number, number>();
    for (const line of lines) count.set(line.n, (count.get(line.n) ?? 0) + 1);
    for (const [id, task] of final) {
      const n = Number(id.slice('job-'.length));
      expect(count.get(n) ?? 0, id).toBeGreaterThanOrEqual(1);
      expect(count.get(n) ?? 0, id).toBeLessThanOrEqual(task.attempt);
    }
    for (const n of inFlight) {
      expect(count.get(n), `job-${n} was mid-work at the kill`).toBeGreaterThanOrEqual(2);
      expect(final.get(`job-${n}`)!.attempt).toBeGreaterThanOrEqual(2);
    }
    // Tasks that had succeeded before the kill never ran again.
    for (const task of beforeRestart.filter((t) => t.state === 'succeeded')) {
      expect(count.get(Number(task.id.slice('job-'.length))), task.id).toBe(1);
    }
    const pids = new Set(lines.map((l) => l.pid));
    expect(pids.size).toBe(2);
  }, 360_000);
});
