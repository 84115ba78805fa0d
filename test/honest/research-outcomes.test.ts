import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort, tempDir } from '../research/support.js';
import { cli } from '../support/cli.js';

interface Summary {
  status: string;
  warnings: string[];
  artifacts: string[];
  tasks: Array<{ step: string; state: string; error: { code: string; message: string } | null }>;
}

/** Each CLI run starts Node with the TypeScript loader: seconds apiece on a loaded 2-core box. */
const CLI_TIMEOUT_MS = 180_000;

describe('research missions tell the truth about their sources', () => {
  it(
    "fails the README's tour command, whose sources cannot be read, naming each source's reason",
    () => {
      const cwd = tempDir('magna-tour-');
      const run = cli(
        ['run', 'research home batteries', '--sources', 'https://example.org/market', './notes', '--json'],
        { cwd },
      );
      expect(run.code).not.toBe(0);
      const summary = JSON.parse(run.stdout) as Summary;
      expect(summary.status).toBe('failed');
      const collect = summary.tasks.find((t) => t.step === 'collect');
      expect(collect?.state).toBe('dead');
      expect(collect?.error?.code).toBe('RESEARCH_NO_USABLE_SOURCES');
      expect(collect?.error?.message).toContain('https://example.org/market');
      expect(collect?.error?.message).toContain(`${join(cwd, 'notes')}: no such file or directory`);
      // No report pretends to summarise sources that were never read.
      expect(summary.artifacts.some((p) => p.endsWith('report.md'))).toBe(false);
      expect(summary.tasks.filter((t) => t.state === 'succeeded')).toEqual([]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'succeeds with warnings when some sources fail, in the terminal, --json and the report',
    async () => {
      const cwd = tempDir('magna-partial-');
      mkdirSync(join(cwd, 'notes'));
      writeFileSync(
        join(cwd, 'notes', 'batteries.txt'),
        'Home batteries store 13.5 kWh of energy. Lithium iron phosphate cells last longer than older chemistries.\n',
      );
      const unreachable = `http://127.0.0.1:${await closedPort()}/market`;
      const human = cli(['run', 'research home batteries', '--sources', unreachable, './notes'], { cwd });
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/succeeded with 1 warning/);
      expect(human.stdout).toContain(`source not collected: ${unreachable}`);

      const json = cli(['run', 'research home batteries', '--sources', unreachable, './notes', '--json'], {
        cwd,
      });
      expect(json.code).toBe(0);
      const summary = JSON.parse(json.stdout) as Summary;
      expect(summary.status).toBe('succeeded');
      expect(summary.warnings).toHaveLength(1);
      expect(summary.warnings[0]).toContain(unreachable);
      const report = summary.artifacts.find((p) => p.endsWith('report.md'));
      expect(report).toBeDefined();
      const markdown = readFileSync(report as string, 'utf8');
      expect(markdown).toMatch(/### Not collected/);
      expect(markdown).toContain(unreachable);
    },
    CLI_TIMEOUT_MS,
  );
});
