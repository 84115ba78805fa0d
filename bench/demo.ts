import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { BenchOptions, BenchResult } from './harness.js';
import { round } from './harness.js';

export const name = 'demo';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * The README's main job, timed end to end as a user runs it: `magnatronic demo` in a fresh
 * folder (new database, sample site served on 127.0.0.1, collect → analyse + knowledge → report),
 * process start to exit, with the default politeness delay (250 ms per host).
 */
export async function run(options: BenchOptions): Promise<BenchResult> {
  const rounds = options.quick ? 1 : 3;
  const times: number[] = [];
  let summary: { status: string; tasks: unknown[]; artifacts: string[] } | undefined;
  for (let i = 0; i < rounds; i++) {
    const cwd = mkdtempSync(join(tmpdir(), 'magna-bench-demo-'));
    const start = performance.now();
    const child = spawnSync(
      process.execPath,
      ['--import', TSX, resolve(ROOT, 'src/cli/entry.ts'), 'demo', '--json'],
      {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, MAGNA_LOG_LEVEL: 'silent' },
      },
    );
    times.push(performance.now() - start);
    if (child.status !== 0) throw new Error(`demo exited ${child.status}: ${child.stderr}`);
    summary = JSON.parse(child.stdout);
    if (!summary?.artifacts.some((p) => p.endsWith('report.html') && existsSync(p)))
      throw new Error('demo wrote no report');
    rmSync(cwd, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return {
    name,
    rows: [
      {
        measure: 'magnatronic demo, process start to exit',
        rounds,
        'median s': round(median / 1000, 2),
        'min s': round(times[0]! / 1000, 2),
        status: summary?.status ?? '?',
        tasks: summary?.tasks.length ?? 0,
      },
    ],
    notes: [
      'fresh folder each round; includes Node start-up and module loading (run from source through tsx)',
      'politeness delay is the default 250 ms per host with 2 fetches at a time: most of the time is the crawler waiting, by design',
    ],
  };
}
