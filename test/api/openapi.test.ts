import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/api/server.js';
import { openTestApi, type TestApi } from './helpers.js';

let api: TestApi;
let document: Record<string, unknown>;
beforeAll(async () => {
  api = await openTestApi();
  const response = await api.app.inject({ method: 'GET', url: '/openapi.json', headers: api.auth('viewer') });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(() => api.close());

describe('OpenAPI document', () => {
  it('describes every public route with its permission', () => {
    const paths = document.paths as Record<
      string,
      Record<string, { operationId: string; 'x-permission'?: string }>
    >;
    const operations = Object.values(paths).flatMap((p) => Object.values(p));
    for (const route of allRoutes().filter((r) => !r.hidden)) {
      const op = operations.find((o) => o.operationId === route.operationId);
      expect(op, route.operationId).toBeDefined();
      expect(op?.['x-permission']).toBe(route.permission ?? undefined);
    }
    expect(document.openapi).toBe('3.1.0');
    expect(JSON.stringify(document)).not.toContain('"*"');
  });

  it('passes redocly lint with no errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'magna-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document, null, 2));
      const cli = resolve('node_modules/@redocly/cli/bin/cli.js');
      const result = spawnSync(process.execPath, [cli, 'lint', file, '--format', 'json'], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
      });
      const report = JSON.parse(result.stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; severity: string; message: string; location: unknown }>;
      };
      const errors = report.problems.filter((p) => p.severity === 'error');
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
