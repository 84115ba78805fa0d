import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ArtifactStore } from '../../src/agents/artifacts.js';
import type { SkillContext } from '../../src/agents/sdk.js';
import { loadConfig } from '../../src/core/config.js';
import type { Logger } from '../../src/observability/logger.js';
import type { CollectLimits } from '../../src/research/types.js';
import { createEncryptor } from '../../src/security/encryption.js';

export const USER_AGENT = 'MagnatronicBot/0.1 (test)';

/**
 * Limits for tests: no politeness delay unless a test asks for one. The fetch timeout is long
 * because the sample site shares the test's process: on a loaded 2-core machine a page can take
 * seconds to answer, and a timeout there would read as a missing page.
 */
export function testLimits(overrides: Partial<CollectLimits> = {}): CollectLimits {
  return {
    maxPages: 50,
    maxDepth: 3,
    fetchTimeoutMs: 30_000,
    maxBytes: 2 * 1024 * 1024,
    maxRedirects: 5,
    perHostConcurrency: 2,
    perHostDelayMs: 0,
    sameSite: true,
    ...overrides,
  };
}

export function tempDir(prefix = 'magna-research-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A logger whose JSON lines are kept in memory, for asserting what was logged. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A SkillContext with real artifacts in a temp folder, for running skills without a node. */
export function skillContext(options: {
  home: string;
  upstream?: Record<string, unknown>;
  logger?: Logger;
  /** A 32-byte key (base64): artifacts are then written encrypted, as with encryption at rest. */
  encryptionKey?: string;
  overrides?: Parameters<typeof loadConfig>[0] extends infer O
    ? O extends { overrides?: infer V }
      ? V
      : never
    : never;
}): SkillContext {
  const config = loadConfig({
    env: {},
    cwd: options.home,
    overrides: { home: options.home, ...options.overrides },
  });
  const artifacts = new ArtifactStore(
    join(options.home, 'artifacts'),
    options.encryptionKey
      ? createEncryptor({ encryptionKey: options.encryptionKey, tokenTtlSeconds: 900 })
      : undefined,
  );
  const notUsed = (): never => {
    throw new Error('not used in research tests');
  };
  return {
    signal: new AbortController().signal,
    logger: options.logger ?? pino({ level: 'silent' }),
    task: { id: 'task_1', attempt: 1, missionId: 'mission_1', skill: 'test' },
    upstream: options.upstream ?? {},
    agent: { name: 'research', role: 'research' },
    principal: { id: 'agent:research', role: 'agent' },
    config,
    artifacts,
    services: {},
    bus: { send: notUsed, request: notUsed, publish: notUsed },
    progress: async () => undefined,
    enqueue: notUsed,
    effect: notUsed,
    emit: () => undefined,
    writeArtifact: (name, content) => artifacts.write('mission_1', name, content),
  };
}
