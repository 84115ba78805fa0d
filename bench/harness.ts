import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One benchmark's figures: rows for the printed table, and the same rows written as JSON. */
export interface BenchResult {
  name: string;
  rows: Array<Record<string, string | number>>;
  /** Targets and whether they were met, e.g. "embedded/bullmq throughput ratio 4.1x (target >= 3x): met". */
  verdicts?: string[];
  notes?: string[];
}

export interface BenchOptions {
  /** Shorter runs for a smoke check (`npm run bench -- --quick`). */
  quick: boolean;
  /** Folder of the evaluation data sets (default ../shared/datasets). */
  datasets: string;
  resultsDir: string;
}

export function printResult(result: BenchResult): void {
  console.log(`\n## ${result.name}`);
  if (result.rows.length > 0) console.table(result.rows);
  for (const verdict of result.verdicts ?? []) console.log(`  ${verdict}`);
  for (const note of result.notes ?? []) console.log(`  note: ${note}`);
}

export function writeResult(result: BenchResult, options: BenchOptions): string {
  mkdirSync(options.resultsDir, { recursive: true });
  const path = join(options.resultsDir, `${result.name}.json`);
  writeFileSync(
    path,
    `${JSON.stringify({ ...result, at: new Date().toISOString(), node: process.version }, null, 2)}\n`,
  );
  return path;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
