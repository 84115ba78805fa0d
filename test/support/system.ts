import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDefinition } from '../../src/agents/sdk.js';
import type { ConfigInput } from '../../src/core/config.js';
import { type OpenSystemOptions, openSystem, type System } from '../../src/runtime/system.js';
import type { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { sqliteDatabaseOf } from '../../src/store/sqlite/stores.js';

/** A system on a fresh temporary home, with fast timings suited to tests. */
export async function testSystem(
  options: Omit<OpenSystemOptions, 'overrides'> & {
    overrides?: ConfigInput;
    agents?: AgentDefinition[];
  } = {},
): Promise<System & { home: string; dispose(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'magna-test-'));
  const system = await openSystem({
    builtins: false,
    ...options,
    overrides: {
      home,
      log: { level: 'silent' },
      ...options.overrides,
      queue: {
        pollMs: 10,
        heartbeatMs: 100,
        leaseMs: 2000,
        backoffBaseMs: 20,
        backoffMaxMs: 100,
        ...options.overrides?.queue,
      },
      node: { shutdownGraceMs: 2000, ...options.overrides?.node },
    },
  });
  return Object.assign(system, {
    home,
    async dispose() {
      await system.close();
      rmSync(home, { recursive: true, force: true });
    },
  });
}

export async function until(
  predicate: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The SQLite connection under a system's stores, for tests that inspect what is stored. */
export function rawDb(system: Pick<System, 'admin'>): SqliteDatabase {
  return sqliteDatabaseOf(system.admin);
}
