import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { isMagnaError } from '../../src/core/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'magna-config-'));

describe('config', () => {
  it('has documented defaults and resolves home against the working directory', () => {
    const cwd = dir();
    const config = loadConfig({ env: {}, cwd });
    expect(config.home).toBe(join(cwd, '.magnatronic'));
    expect(config.queue.leaseMs).toBe(30_000);
    expect(Object.isFrozen(config.queue)).toBe(true);
  });

  it('layers file < environment < overrides', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'magnatronic.config.json'),
      JSON.stringify({ queue: { leaseMs: 1111, pollMs: 7 }, server: { port: 9000 } }),
    );
    const config = loadConfig({
      env: { MAGNA_QUEUE_LEASE_MS: '2222', MAGNA_SERVER_PORT: '9100' },
      cwd,
      overrides: { server: { port: 9200 } },
    });
    expect(config.queue.pollMs).toBe(7);
    expect(config.queue.leaseMs).toBe(2222);
    expect(config.server.port).toBe(9200);
  });

  it('refuses a corrupt config file with CONFIG_INVALID naming the file', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bad.json'), '{ "queue": { "leaseMs": ');
    const error = (() => {
      try {
        loadConfig({ env: { MAGNA_CONFIG: 'bad.json' }, cwd });
      } catch (e) {
        return e;
      }
    })();
    expect(isMagnaError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('bad.json');
  });

  it('refuses invalid values with every bad field named', () => {
    expect(() =>
      loadConfig({ env: { MAGNA_SERVER_PORT: 'eighty', MAGNA_LOG_LEVEL: 'loud' }, cwd: dir() }),
    ).toThrowError(/server\.port.*log\.level|log\.level.*server\.port/);
  });

  it('refuses a config file that names a missing file', () => {
    expect(() => loadConfig({ env: { MAGNA_CONFIG: 'nope.json' }, cwd: dir() })).toThrowError(
      /Cannot read config file/,
    );
  });
});
