import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/core/config.js';
import { EventHub } from '../../src/core/events.js';
import { SkillCatalog } from '../../src/queue/skill-catalog.js';
import { TaskQueue } from '../../src/queue/task-queue.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../../src/store/sqlite/queue-store.js';

describe('queue smoke', () => {
  it('enqueues, claims and completes', async () => {
    const db = openSqlite(':memory:');
    const catalog = new SkillCatalog();
    catalog.register({ name: 'echo', description: '', input: z.object({ n: z.number() }), output: z.unknown() });
    const queue = new TaskQueue(new SqliteQueueStore(db), catalog, new EventHub(), loadConfig({ env: {} }).queue);
    const a = await queue.enqueue({ skill: 'echo', input: { n: 1 } });
    const b = await queue.enqueue({ skill: 'echo', input: { n: 2 }, dependsOn: [a.id] });
    expect(b.state).toBe('waiting');
    const [claimed] = await queue.claim('w1', new Map([['echo', 10]]));
    expect(claimed?.id).toBe(a.id);
    await queue.complete({ taskId: a.id, attempt: 1, workerId: 'w1' }, { ok: true });
    expect((await queue.get(b.id))?.state).toBe('queued');
  });
});
