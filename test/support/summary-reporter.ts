import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule, TestSuite, Vitest } from 'vitest/node';

/** A skipped test is accepted only when it is listed here, with the reason it cannot run. */
export interface SkipAllowance {
  /** `<file relative to the root> > <suite> > <test>`, as the reporter prints it. */
  test: string;
  reason: string;
}

export interface SummaryOptions {
  /** JSON file holding `SkipAllowance[]`, relative to the root; default test/skip-allowlist.json. */
  allowlist?: string;
}

export interface Summary {
  passed: number;
  /** Failed tests plus every error raised outside a test: hooks, collection, unhandled rejections. */
  failed: number;
  /** Tests that were meant to run but did not, because a hook of their suite failed. */
  notRun: number;
  skipped: string[];
  unexplainedSkips: string[];
  errors: string[];
}

/**
 * Prints the closing line CI reads, `N passed, N failed`, counting every error rather than only
 * failed tests (a throwing beforeAll otherwise leaves `0 failed` next to a non-zero exit), then names
 * each skipped test. A skip that is not in the allowlist fails the run, unless a name filter (`-t`)
 * was given, since a filter skips by design.
 */
export default class SummaryReporter implements Reporter {
  private readonly allowlistPath: string;
  private root = process.cwd();
  private filtered = false;

  constructor(options: SummaryOptions = {}) {
    this.allowlistPath = options.allowlist ?? 'test/skip-allowlist.json';
  }

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.filtered = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const summary = summarize(modules, unhandledErrors, this.root, this.allowances());
    const notRun = summary.notRun ? `, ${summary.notRun} not run` : '';
    const lines = [
      `${summary.passed} passed, ${summary.failed} failed${notRun}, ${summary.skipped.length} skipped`,
    ];
    for (const error of summary.errors) lines.push(`  error: ${error}`);
    // Under a name filter every other test is skipped by design: count them, name none.
    for (const name of this.filtered ? [] : summary.skipped) {
      const unexplained = summary.unexplainedSkips.includes(name.replace(/ \(.*\)$/, ''));
      lines.push(`  skipped${unexplained ? ' (not in the allowlist)' : ''}: ${name}`);
    }
    if (summary.unexplainedSkips.length > 0 && !this.filtered) {
      const where = relative(process.cwd(), resolve(this.root, this.allowlistPath));
      lines.push(
        `${summary.unexplainedSkips.length} skipped test(s) are not in ${where}: ` +
          'make them run, or list each with the reason it cannot (see test/README.md)',
      );
      process.exitCode = 1;
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }

  private allowances(): SkipAllowance[] {
    const file = resolve(this.root, this.allowlistPath);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const list = JSON.parse(text) as SkipAllowance[];
    for (const entry of list)
      if (!entry.test || !entry.reason?.trim())
        throw new Error(`${file}: every entry needs "test" and "reason"`);
    return list;
  }
}

/** Counts a finished run. Exported for reuse by scripts that read a run's modules. */
export function summarize(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  root: string,
  allowances: SkipAllowance[],
): Summary {
  const summary: Summary = { passed: 0, failed: 0, notRun: 0, skipped: [], unexplainedSkips: [], errors: [] };
  const allowed = new Set(allowances.map((entry) => entry.test));
  const addErrors = (where: string, errors: ReadonlyArray<SerializedError>) => {
    for (const error of errors) {
      summary.failed++;
      summary.errors.push(`${where}: ${error.message ?? String(error)}`);
    }
  };
  addErrors('unhandled', unhandledErrors);
  for (const module of modules) {
    const file = relative(root, module.moduleId);
    addErrors(file, module.errors());
    for (const suite of module.children.allSuites()) addErrors(nameOf(file, suite), suite.errors());
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state === 'passed') summary.passed++;
      else if (result.state === 'failed') summary.failed++;
      else if (wasMeantToRun(test)) summary.notRun++;
      else {
        const name = nameOf(file, test);
        summary.skipped.push(result.state === 'skipped' && result.note ? `${name} (${result.note})` : name);
        if (!allowed.has(name)) summary.unexplainedSkips.push(name);
      }
    }
  }
  return summary;
}

/** A test left unrun by a failed hook still has mode `run` and no `ctx.skip()` note. */
function wasMeantToRun(test: TestCase): boolean {
  const result = test.result();
  const dynamicSkip = result.state === 'skipped' && result.note !== undefined;
  return (test.options.mode === 'run' || test.options.mode === 'only') && !dynamicSkip && hasFailedHook(test);
}

function hasFailedHook(test: TestCase): boolean {
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return true;
    if (parent.type === 'module') return false;
  }
}

function nameOf(file: string, entity: TestCase | TestSuite): string {
  return `${file} > ${entity.fullName}`;
}
