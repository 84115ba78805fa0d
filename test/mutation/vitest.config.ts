import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (`npm run mutate`, stryker.config.json): those that
 * guard the mutated files: the queue, access checks, audit, tokens and keys. A narrower set than
 * `npm test`, so that a mutation run fits on a shared machine.
 */
export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '../..'),
    include: [
      'test/queue/sqlite.test.ts',
      'test/queue/properties.test.ts',
      'test/knowledge/access.test.ts',
      'test/knowledge/acting-principal.test.ts',
      'test/knowledge/namespace-boundary.test.ts',
      'test/knowledge/namespaces.test.ts',
      'test/security/permissions.test.ts',
      'test/security/audit.test.ts',
      'test/security/keys.test.ts',
      'test/api/tokens.test.ts',
      'test/api/access-matrix.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
