import { resolve } from 'node:path';
import { type BenchOptions, type BenchResult, printResult, writeResult } from './harness.js';

/**
 * `npm run bench [-- --quick] [-- --only name] [-- --datasets DIR]`: runs every benchmark in one
 * process, one after the other (never in parallel: they would skew each other), printing a table
 * per benchmark and writing bench/results/<name>.json.
 */
type BenchModule = { name: string; run(options: BenchOptions): Promise<BenchResult> };

const BENCHES: Array<() => Promise<BenchModule>> = [
  // Each module exports `name` and `run`; keep this list in the order they should run.
  () => import('./startup.js'),
  () => import('./queue.js'),
  () => import('./queue-home.js'),
  () => import('./queue-postgres.js'),
  () => import('./scale.js'),
  () => import('./idle.js'),
  () => import('./bus.js'),
  () => import('./bus-nats.js'),
  () => import('./wake-up.js'),
  () => import('./knowledge.js'),
  () => import('./api.js'),
  () => import('./research.js'),
  () => import('./creative.js'),
  () => import('./demo.js'),
];

const args = process.argv.slice(2);
const options: BenchOptions = {
  quick: args.includes('--quick'),
  datasets: resolve(
    args[args.indexOf('--datasets') + 1] && args.includes('--datasets')
      ? args[args.indexOf('--datasets') + 1]!
      : '../shared/datasets',
  ),
  resultsDir: resolve('bench/results'),
};
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

for (const load of BENCHES) {
  const bench = await load();
  if (only && bench.name !== only) continue;
  console.log(`\nrunning ${bench.name}...`);
  const result = await bench.run(options);
  printResult(result);
  console.log(`  written to ${writeResult(result, options)}`);
}
