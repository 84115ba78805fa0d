import { afterEach, describe, expect, it } from 'vitest';
import { auditHash } from '../../src/security/audit.js';
import { openTestApi, type TestApi } from '../api/helpers.js';
import { rawDb } from '../support/system.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('audit log', () => {
  it('records every mutating request and every auth failure: who, what, when, from where, outcome', async () => {
    api = await openTestApi();
    const before = Date.now();
    await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: api.auth('operator'),
      payload: { skill: 'test.echo', input: { text: 'a' } },
    });
    await api.app.inject({
      method: 'POST',
      url: '/tasks',
      headers: api.auth('operator'),
      payload: { skill: 'nope' },
    });
    await api.app.inject({
      method: 'GET',
      url: '/tasks',
      headers: { authorization: 'Bearer wrong' },
      remoteAddress: '10.1.2.3',
    });
    await api.app.inject({
      method: 'POST',
      url: '/keys',
      headers: api.auth('viewer'),
      payload: { role: 'admin' },
    });
    await api.app.inject({ method: 'GET', url: '/tasks', headers: api.auth('viewer') });
    const listed = await api.app.inject({
      method: 'GET',
      url: '/audit?limit=10',
      headers: api.auth('admin'),
    });
    const records = listed.json().records as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.action, r.outcome, r.status])).toEqual([
      ['keys.create', 'denied', 403],
      ['tasks.list', 'auth-failed', 401],
      ['tasks.create', 'failed', 400],
      ['tasks.create', 'ok', 201],
    ]);
    const operator = (await api.system.security.keys.list()).find((k) => k.role === 'operator')!;
    expect(records[3]).toMatchObject({
      actor: `key:${operator.id}`,
      role: 'operator',
      target: 'POST /tasks',
      ip: '127.0.0.1',
    });
    expect(records[1]).toMatchObject({ actor: 'anonymous', ip: '10.1.2.3' });
    expect(records[3]!.at as number).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(records[2]!.details as string)).toMatchObject({ error: 'QUEUE_UNKNOWN_SKILL' });
    const forbidden = await api.app.inject({ method: 'GET', url: '/audit', headers: api.auth('operator') });
    expect(forbidden.statusCode).toBe(403);
  });

  it('is append-only and verify detects an altered, removed or inserted record', async () => {
    api = await openTestApi();
    for (let i = 0; i < 5; i++) {
      await api.system.security.audit.record({
        actor: 'test',
        role: null,
        action: `act.${i}`,
        target: 't',
        ip: null,
        outcome: 'ok',
        status: null,
      });
    }
    const ok = await api.app.inject({ method: 'GET', url: '/audit/verify', headers: api.auth('admin') });
    expect(ok.json()).toMatchObject({ valid: true, records: 5 });
    const db = rawDb(api.system);
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'failed' WHERE seq = 3").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);

    // Someone with write access to the file drops the guard and edits a record...
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3").run();
    expect(await api.system.security.audit.verify()).toMatchObject({ valid: false, brokenAt: 3, records: 2 });
    db.prepare("UPDATE audit_log SET actor = 'test' WHERE seq = 3").run();
    expect((await api.system.security.audit.verify()).valid).toBe(true);
    // ...or removes one...
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 4').get() as Record<string, unknown>;
    db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(await api.system.security.audit.verify()).toMatchObject({
      valid: false,
      brokenAt: 5,
      reason: 'record 4 is missing',
    });
    // ...or forges a replacement whose hash is recomputed over its forged content: the record is
    // self-consistent, but the next record's link still names the original's hash.
    const forged = { ...row, action: 'forged' };
    const forgedHash = auditHash(row.prev_hash as string, {
      seq: 4,
      at: row.at as number,
      actor: row.actor as string,
      role: row.role as string | null,
      action: 'forged',
      target: row.target as string,
      ip: row.ip as string | null,
      outcome: row.outcome as 'ok',
      status: row.status as number | null,
      details: row.details as string | null,
    });
    expect(forgedHash).not.toBe(row.hash);
    db.prepare(
      'INSERT INTO audit_log (seq, at, actor, role, action, target, ip, outcome, status, details, prev_hash, hash) VALUES (@seq, @at, @actor, @role, @action, @target, @ip, @outcome, @status, @details, @prev_hash, @hash)',
    ).run({ ...forged, hash: forgedHash });
    expect(await api.system.security.audit.verify()).toMatchObject({
      valid: false,
      brokenAt: 5,
      reason: 'its previous-hash link does not match the record before it',
    });
    // The same forgery with the next record's link rewritten too: still caught, because that
    // record's own hash covers the link.
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
    db.prepare('UPDATE audit_log SET prev_hash = ? WHERE seq = 5').run(forgedHash);
    expect(await api.system.security.audit.verify()).toMatchObject({
      valid: false,
      brokenAt: 5,
      reason: 'its content does not match its hash',
    });
  });
});
