import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, cli, REPO_ROOT } from '../support/cli.js';

const workdir = () => mkdtempSync(join(tmpdir(), 'magna-cli-'));
const example = resolve(REPO_ROOT, 'examples/word-count-agent.mjs');

describe('magnatronic CLI', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('explains itself with --help', () => {
    const top = cli(['--help'], { cwd: workdir() });
    expect(top.code).toBe(0);
    for (const command of ['start', 'run', 'tasks', 'agents', 'status'])
      expect(top.stdout).toContain(command);
    const run = cli(['run', '--help'], { cwd: workdir() });
    expect(run.stdout).toContain('--sources');
    expect(run.stdout).toContain('Examples:');
  });

  it('runs a mission with a custom agent and reports it as JSON', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'words.txt'), 'one two three\nfour five\n');
    const result = cli(['run', 'count words in words.txt', '--agents', example, '--json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('succeeded');
    expect(summary.results.count).toMatchObject({ words: 5, lines: 3 });
    expect(JSON.parse(readFileSync(summary.artifacts[0], 'utf8'))).toMatchObject({ words: 5 });
    const tasks = cli(['tasks', 'list', '--json'], { cwd });
    expect(JSON.parse(tasks.stdout)).toEqual([
      expect.objectContaining({ skill: 'wordcount.count', state: 'succeeded' }),
    ]);
    const status = JSON.parse(cli(['status', '--json'], { cwd }).stdout);
    expect(status.tasks.byState).toEqual({ succeeded: 1 });
    const failed = cli(['run', 'count words in missing.txt', '--agents', example, '--json'], {
      cwd,
      env: { MAGNA_QUEUE_MAX_ATTEMPTS: '1' },
    });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).status).toBe('failed');
  });

  it('gives a coded error and exit status for bad input', () => {
    const cwd = workdir();
    const unknownGoal = cli(['run', 'make coffee', '--json'], { cwd });
    expect(unknownGoal.code).toBe(2);
    expect(JSON.parse(unknownGoal.stdout).error.code).toBe('MISSION_NO_PLANNER');
    const missing = cli(['tasks', 'show', 'task_nope'], { cwd });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('error NOT_FOUND');
    const badState = cli(['tasks', 'list', '--state', 'sleeping'], { cwd });
    expect(badState.code).toBe(2);
    expect(cli(['frobnicate'], { cwd }).code).toBe(2);
  });

  it('refuses a corrupt config and a database from the future without touching the data', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'magnatronic.config.json'), '{ not json');
    const corrupt = cli(['status'], { cwd });
    expect(corrupt.code).toBe(78);
    expect(corrupt.stderr).toContain('CONFIG_INVALID');

    const cwd2 = workdir();
    // A read-only command makes no home; one that is meant to (keys create) does.
    expect(cli(['keys', 'create', '--role', 'viewer'], { cwd: cwd2 }).code).toBe(0);
    const db = new Database(join(cwd2, '.magnatronic/magnatronic.db'));
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?)').run('future', Date.now());
    db.close();
    const future = cli(['status', '--json'], { cwd: cwd2 });
    expect(future.code).toBe(75);
    expect(JSON.parse(future.stdout).error.code).toBe('STORE_SCHEMA_TOO_NEW');
  });
});
