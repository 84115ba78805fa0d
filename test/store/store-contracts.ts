import { describe, expect, it } from 'vitest';
import type { Mission, MissionStore } from '../../src/orchestrator/types.js';
import type { NewTask, QueueStore } from '../../src/queue/store-port.js';
import type { AgentRegistry } from '../../src/runtime/agent-registry.js';
import type { AuditEntry, SecurityStore } from '../../src/security/store-port.js';

export interface StoreSet {
  queue: QueueStore;
  missions: MissionStore;
  agents: AgentRegistry;
  security: SecurityStore;
  close(): Promise<void>;
}

const mission = (id: string, createdAt = 1_000): Mission => ({
  id,
  goal: `goal of ${id}`,
  template: 't',
  options: { depth: 2, note: 'kept' },
  status: 'running',
  result: null,
  createdAt,
  finishedAt: null,
});

const task = (id: string, missionId: string | null, dependsOn: string[] = []): NewTask => ({
  id,
  skill: 's.x',
  input: { id },
  priority: 5,
  runAt: 1_000,
  rank: 1_000,
  maxAttempts: 3,
  timeoutMs: 60_000,
  idempotencyKey: null,
  dependsOn,
  missionId,
  parentId: null,
  actor: null,
  tags: [],
});

const entry = (action: string): AuditEntry => ({
  actor: 'cli',
  role: 'admin',
  action,
  target: 't',
  ip: null,
  outcome: 'ok',
  status: null,
  details: null,
});

/**
 * The mission, agent-registry and security ports' contracts, written once and run against every
 * adapter (SQLite and PostgreSQL), as the queue's and the message store's are.
 */
export function storeContracts(adapter: string, open: () => Promise<StoreSet>): void {
  describe(`mission store contract: ${adapter}`, () => {
    it('writes a mission with its plan in one transaction, and refuses a bad plan or a reused id whole', async () => {
      const s = await open();
      try {
        const outcomes = await s.missions.insertWithTasks(
          mission('m1'),
          [task('m1.a', 'm1'), task('m1.b', 'm1', ['m1.a'])],
          1_000,
        );
        expect(outcomes.map((o) => [o.task.id, o.task.state])).toEqual([
          ['m1.a', 'queued'],
          ['m1.b', 'waiting'],
        ]);
        await expect(
          s.missions.insertWithTasks(mission('m2'), [task('m2.a', 'm2', ['nope'])], 1_000),
        ).rejects.toMatchObject({
          code: 'QUEUE_INVALID_TASK',
        });
        expect(await s.missions.get('m2')).toBeNull();
        await expect(
          s.missions.insertWithTasks({ ...mission('m1'), goal: 'other' }, [task('m1.c', 'm1')], 2_000),
        ).rejects.toThrow();
        expect(await s.missions.get('m1')).toMatchObject({
          goal: 'goal of m1',
          options: { depth: 2, note: 'kept' },
        });
        expect((await s.queue.list({ limit: 10 })).map((t) => t.id)).toEqual(['m1.a', 'm1.b']);
      } finally {
        await s.close();
      }
    });

    it('lists newest first with filters, and records the final status only once', async () => {
      const s = await open();
      try {
        for (const [id, at] of [
          ['a', 1_000],
          ['b', 2_000],
          ['c', 3_000],
        ] as const)
          await s.missions.insert(mission(id, at));
        const result = { summary: 'done', steps: {}, artifacts: [] };
        expect(await s.missions.finish('b', 'succeeded', result, 5_000)).toBe(true);
        expect(await s.missions.finish('b', 'failed', result, 6_000)).toBe(false);
        expect(await s.missions.get('b')).toMatchObject({ status: 'succeeded', finishedAt: 5_000, result });
        expect((await s.missions.list({})).map((m) => m.id)).toEqual(['c', 'b', 'a']);
        expect((await s.missions.list({ status: 'running' })).map((m) => m.id)).toEqual(['c', 'a']);
        expect((await s.missions.list({ before: 3_000, limit: 1 })).map((m) => m.id)).toEqual(['b']);
        await s.missions.delete('a');
        expect(await s.missions.get('a')).toBeNull();
      } finally {
        await s.close();
      }
    });
  });

  describe(`agent registry contract: ${adapter}`, () => {
    it('registers, beats, drains until the node reports down, and marks stale nodes down', async () => {
      const s = await open();
      try {
        const base = {
          role: 'r',
          skills: ['x', 'y'],
          concurrency: 2,
          status: 'idle' as const,
          load: 0,
          startedAt: 1,
          heartbeatAt: 1,
        };
        await s.agents.register({ ...base, id: 'b@n1', name: 'b', nodeId: 'n1' });
        await s.agents.register({ ...base, id: 'a@n2', name: 'a', nodeId: 'n2' });
        await s.agents.register({ ...base, id: 'a@n1', name: 'a', nodeId: 'n1', concurrency: 4 });
        expect((await s.agents.list()).map((a) => a.id)).toEqual(['a@n1', 'a@n2', 'b@n1']);
        expect(await s.agents.get('a@n1')).toMatchObject({ skills: ['x', 'y'], concurrency: 4 });
        expect(await s.agents.requestDrain('a@n1')).toMatchObject({ status: 'draining' });
        const draining = await s.agents.heartbeat(
          [
            { id: 'a@n1', status: 'busy', load: 1 },
            { id: 'b@n1', status: 'busy', load: 2 },
          ],
          50,
        );
        expect(draining).toEqual(['a@n1']);
        expect(await s.agents.get('b@n1')).toMatchObject({ status: 'busy', load: 2, heartbeatAt: 50 });
        expect(await s.agents.markStale(10)).toBe(1); // a@n2 last beat at 1
        expect((await s.agents.get('a@n2'))!.status).toBe('down');
        await s.agents.markNodeDown('n1', 60);
        expect((await s.agents.list()).every((a) => a.status === 'down')).toBe(true);
        expect(await s.agents.requestDrain('a@n1')).toBeNull();
      } finally {
        await s.close();
      }
    });
  });

  describe(`security store contract: ${adapter}`, () => {
    it('keeps keys: revoked once, counted while active, settings first writer wins', async () => {
      const s = await open();
      try {
        const key = (id: string, expiresAt: number | null) => ({
          id,
          name: id,
          role: 'operator' as const,
          namespaces: id === 'k1' ? ['team/'] : null,
          salt: Buffer.from([1, 2, 3]),
          hash: Buffer.from([4, 5, 6]),
          createdAt: 10,
          createdBy: 'admin',
          expiresAt,
          revokedAt: null,
          lastUsedAt: null,
        });
        await s.security.insertKey(key('k1', null));
        await s.security.insertKey(key('k2', 100));
        expect(await s.security.getKey('k1')).toMatchObject({
          namespaces: ['team/'],
          salt: Buffer.from([1, 2, 3]),
        });
        expect(await s.security.countActiveKeys('operator', 50)).toBe(2);
        expect(await s.security.countActiveKeys('operator', 150)).toBe(1);
        expect((await s.security.revokeKey('k1', 200))!.revokedAt).toBe(200);
        expect((await s.security.revokeKey('k1', 300))!.revokedAt).toBe(200);
        expect(await s.security.keyRevokedAt('k1')).toBe(200);
        expect(await s.security.keyRevokedAt('missing')).toBeUndefined();
        expect(await s.security.putSettingIfAbsent('secret', 'first')).toBe('first');
        expect(await s.security.putSettingIfAbsent('secret', 'second')).toBe('first');
      } finally {
        await s.close();
      }
    });

    it('chains audit records across concurrent appends and reads them both ways', async () => {
      const s = await open();
      try {
        const hashOf = (prev: string, seq: number, e: AuditEntry) => `${prev}>${seq}:${e.action}`;
        await Promise.all(
          ['a', 'b', 'c', 'd'].map((action, i) =>
            s.security.appendAudit([{ entry: entry(action), at: i }], hashOf),
          ),
        );
        const all = await s.security.scanAudit(0, 100);
        expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
        all.forEach((record, i) => {
          expect(record.prevHash).toBe(i === 0 ? '' : all[i - 1]!.hash);
        });
        expect((await s.security.listAudit({ limit: 2 })).map((r) => r.seq)).toEqual([4, 3]);
        expect(
          (await s.security.listAudit({ limit: 10, beforeSeq: 3, action: all[0]!.action })).map((r) => r.seq),
        ).toEqual([1]);
      } finally {
        await s.close();
      }
    });

    it('re-encrypts only values under another key, and counts a missing table as zero', async () => {
      const s = await open();
      try {
        await s.security.putSettingIfAbsent('old', 'enc:v1:oldkey0000000000:payload');
        await s.security.putSettingIfAbsent('new', 'enc:v1:newkey0000000000:payload');
        await s.security.putSettingIfAbsent('plain', 'not encrypted');
        const rewritten = await s.security.reencryptColumn(
          { table: 'security_settings', key: 'name', column: 'value' },
          'newkey0000000000',
          (v) => v.replace('oldkey0000000000', 'newkey0000000000'),
        );
        expect(rewritten).toBe(1);
        expect(await s.security.getSetting('old')).toBe('enc:v1:newkey0000000000:payload');
        expect(await s.security.getSetting('plain')).toBe('not encrypted');
        expect(
          await s.security.reencryptColumn({ table: 'no_such_table', key: 'id', column: 'v' }, 'k', (v) => v),
        ).toBe(0);
      } finally {
        await s.close();
      }
    });
  });
}
