import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent, defineSkill } from '../../src/agents/sdk.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { testSystem, until } from '../support/system.js';

const echo = defineAgent({
  name: 'echo',
  role: 'worker',
  description: 'returns its input',
  skills: [
    defineSkill({
      name: 'echo.say',
      description: 'returns its input',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      handler: async (input) => input,
    }),
  ],
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});
const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

async function system(pollMs: number) {
  const url = await database.schema();
  const opened = await testSystem({ agents: [echo], overrides: { database: { url }, queue: { pollMs } } });
  disposers.push(() => opened.dispose());
  return opened;
}

describe('a system on PostgreSQL', () => {
  it('runs tasks submitted by another process, woken by LISTEN/NOTIFY rather than its poll', async () => {
    const url = await database.schema();
    // Two systems on one database, as two processes would be: separate pools and event hubs.
    // The worker polls once a minute, so only a notification can start the task within the wait.
    const worker = await testSystem({
      agents: [echo],
      overrides: { database: { url }, queue: { pollMs: 60_000 } },
    });
    disposers.push(() => worker.dispose());
    const submitter = await testSystem({ agents: [echo], overrides: { database: { url } } });
    disposers.push(() => submitter.dispose());
    const node = worker.createNode();
    await node.start();
    // The node's first claim ran at start, before any task existed; it now sleeps on its poll.
    await until(async () => (await worker.agents.list()).some((a) => a.status === 'idle'), 15_000, 'idle');
    const task = await submitter.queue.enqueue({ skill: 'echo.say', input: { n: 7 } });
    await until(async () => (await submitter.queue.get(task.id))?.state === 'succeeded', 15_000, 'success');
    expect((await submitter.queue.get(task.id))!.output).toEqual({ n: 7 });
    await node.stop();
  });

  it('keeps missions, agents, the audit chain and status in PostgreSQL', async () => {
    const opened = await system(10);
    const status = await opened.admin.status();
    expect(status).toMatchObject({ dialect: 'postgres', schemaVersion: status.latestVersion });
    expect(status.location).toMatch(/^postgres:\/\//);
    const entry = { role: null, ip: null, status: null, target: 'x', outcome: 'ok' as const };
    await Promise.all([
      opened.security.audit.record({ ...entry, actor: 'cli', action: 'test.one' }),
      opened.security.audit.record({ ...entry, actor: 'cli', action: 'test.two' }),
    ]);
    await opened.security.audit.record({ ...entry, actor: 'cli', action: 'test.three' });
    expect(await opened.security.audit.verify()).toMatchObject({ valid: true, records: 3 });
    expect(await opened.admin.ping()).toBe(true);
  });
});
