import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchOptions, type BenchResult, round } from './harness.js';

/**
 * An idle node: `magnatronic start` (built-in agents and the HTTP API) with nothing to do, in its
 * own process, beside a reference process that only keeps a one-second timer alive. After a
 * settling period, CPU is read from /proc/<pid>/stat over a window and RSS from /proc/<pid>/status.
 * Targets (issue 12): <= 100 MB RSS and <= 1% of a core. Linux only (reads /proc).
 */
export const name = 'idle';

const TARGET_RSS_MB = 100;
const TARGET_CPU_PERCENT = 1;

export async function run(options: BenchOptions): Promise<BenchResult> {
  if (!existsSync('/proc/self/stat')) return { name, rows: [], notes: ['needs /proc (Linux)'] };
  if (!existsSync(resolve('dist/cli/entry.js')))
    return { name, rows: [], notes: ['dist/ is missing: run `npm run build` first'] };
  const settleMs = options.quick ? 8_000 : 15_000;
  const windowMs = options.quick ? 15_000 : 60_000;
  const home = mkdtempSync(join(tmpdir(), 'magna-bench-idle-'));
  const node = spawn(process.execPath, [resolve('bin/magnatronic.js'), '--home', home, 'start'], {
    env: { ...process.env, MAGNA_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(settleMs);
    const before = [cpuTicks(node), cpuTicks(bare)];
    await sleep(windowMs);
    const after = [cpuTicks(node), cpuTicks(bare)];
    const ticksPerSecond = 100; // USER_HZ on Linux
    const cpu = (i: number) => ((after[i]! - before[i]!) / ticksPerSecond / (windowMs / 1000)) * 100;
    const rows = [
      {
        process: 'magnatronic start (idle node + API)',
        'RSS MB': round(rssMb(node), 1),
        'CPU % of a core': round(cpu(0), 2),
      },
      {
        process: 'reference: node with a 1 s timer',
        'RSS MB': round(rssMb(bare), 1),
        'CPU % of a core': round(cpu(1), 2),
      },
    ];
    return {
      name,
      rows,
      verdicts: [
        `idle RSS ${rows[0]!['RSS MB']} MB (target <= ${TARGET_RSS_MB} MB): ${rssMb(node) <= TARGET_RSS_MB ? 'met' : 'not met'}`,
        `idle CPU ${rows[0]!['CPU % of a core']}% of a core (target <= ${TARGET_CPU_PERCENT}%): ${cpu(0) <= TARGET_CPU_PERCENT ? 'met' : 'not met'}`,
      ],
      notes: [
        `settled ${settleMs / 1000} s after start, then measured over ${windowMs / 1000} s; the node polls every queue.pollMs (50 ms) for work enqueued by other processes`,
        `load average when it finished: ${loadavg()
          .map((l) => round(l, 2))
          .join(', ')}`,
      ],
    };
  } finally {
    node.kill('SIGTERM');
    bare.kill('SIGTERM');
    await Promise.all([exited(node), exited(bare)]);
    rmSync(home, { recursive: true, force: true });
  }
}

function cpuTicks(child: ChildProcess): number {
  // Fields after the command name: utime is the 14th, stime the 15th field of /proc/<pid>/stat.
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}
