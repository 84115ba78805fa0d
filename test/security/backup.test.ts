import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isMagnaError } from '../../src/core/errors.js';
import type { System } from '../../src/runtime/system.js';
import { createBackup, restoreBackup, verifyBackup } from '../../src/store/sqlite/backup.js';
import { schemaVersion } from '../../src/store/sqlite/database.js';
import { openTestApi, type TestApi } from '../api/helpers.js';
import { rawDb } from '../support/system.js';

const work = mkdtempSync(join(tmpdir(), 'magna-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everything a restore must bring back, read through the system's own services. */
async function snapshot(system: System) {
  const missions = await system.missions.list({ limit: 1000 });
  const results = await Promise.all(missions.map((m) => system.missions.results(m.id)));
  const artifacts: Record<string, string> = {};
  const root = system.artifacts.root;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      artifacts[relative(root, path)] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    }
  }
  return {
    missions,
    results: results.map((r) => ({ ...r, artifacts: r.artifacts.map((a) => relative(root, a)) })),
    tasks: await system.queue.list({ limit: 10_000 }),
    keys: await system.security.keys.list(),
    audit: await system.security.audit.list({ limit: 100_000 }),
    artifacts,
  };
}

async function expectInvalid(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isMagnaError(error, 'BACKUP_INVALID'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

describe('backup and restore', () => {
  let api: TestApi;
  let home: string;
  let backupFile: string;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    home = join(work, 'home');
    api = await openTestApi({}, { home });
    // A mission run end to end by a real node, plus a dead task and audited API traffic.
    const node = api.system.createNode();
    await node.start();
    const finished = new Promise((resolve) => api.system.events.on('mission:finished', resolve));
    const created = await api.app.inject({
      method: 'POST',
      url: '/missions',
      headers: api.auth('analyst'),
      payload: { goal: 'echo restore drill' },
    });
    expect(created.statusCode).toBe(201);
    await finished;
    await node.stop();
    const doomed = await api.system.queue.enqueue({
      skill: 'test.echo',
      input: { text: 'doomed' },
      maxAttempts: 1,
    });
    const [claimed] = await api.system.queue.claim('w-test', new Map([['test.echo', 1]]));
    expect(claimed?.id).toBe(doomed.id);
    await api.system.queue.fail(
      { taskId: doomed.id, attempt: 1, workerId: 'w-test' },
      { code: 'TEST', message: 'boom' },
    );
    await api.app.inject({ method: 'GET', url: '/keys', headers: { authorization: 'Bearer nope' } });
    before = await snapshot(api.system);
    expect(before.missions[0]?.status).toBe('succeeded');
    expect(Object.keys(before.artifacts).length).toBeGreaterThan(0);
    expect(before.tasks.map((t) => t.state).sort()).toEqual(['dead', 'succeeded']);
  });

  afterAll(() => api.close());

  it('backs up online while writers keep writing, with a checksum and the schema version', async () => {
    backupFile = join(work, 'drill.magnabak');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await api.system.queue.enqueue({
          skill: 'test.echo',
          input: { text: `during ${written}` },
          tags: ['during'],
        });
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const summary = await createBackup(rawDb(api.system), {
      artifactsRoot: api.system.artifacts.root,
      target: backupFile,
    });
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    expect(summary.schemaVersion).toBe(schemaVersion(rawDb(api.system)));
    expect(summary.schemaVersion).toBeGreaterThanOrEqual(5);
    expect(summary.sha256).toBe(createHash('sha256').update(readFileSync(backupFile)).digest('hex'));
    const bytes = readFileSync(backupFile);
    const header = bytes
      .subarray(0, bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1))
      .toString('utf8')
      .split('\n');
    expect(header[0]).toMatch(/^MAGNATRONIC-BACKUP 1 [0-9a-f]{64}$/);
    expect(JSON.parse(header[1]!)).toMatchObject({ format: 1, schemaVersion: summary.schemaVersion });
    expect((await verifyBackup(backupFile)).files.length).toBe(1 + Object.keys(before.artifacts).length);
  });

  it('restores into an emptied data directory with every mission, task, result, key and audit record identical', async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
    expect(existsSync(home)).toBe(false);
    const manifest = await restoreBackup(backupFile, { home });
    expect(manifest.movedAside).toBeNull();
    api = await openTestApi({}, { home });
    const after = await snapshot(api.system);
    // Tasks enqueued while the backup ran may or may not be in it; everything before must be.
    after.tasks = after.tasks.filter((t) => !t.tags.includes('during'));
    // openTestApi added five keys of its own on reopening.
    after.keys = after.keys.filter((k) => before.keys.some((b) => b.id === k.id));
    expect(after).toEqual(before);
    expect((await api.system.security.audit.verify()).valid).toBe(true);
    // The restored keys still authenticate: the old admin key reads the restored audit log.
    const oldAdmin = before.keys.find((k) => k.role === 'admin')!;
    expect(oldAdmin.status).toBe('active');
  });

  it('refuses a damaged, truncated, foreign or too-new backup without touching the data directory', async () => {
    const good = readFileSync(backupFile);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 100] = (damaged[damaged.length - 100]! + 1) % 256;
    writeFileSync(join(work, 'damaged.bak'), damaged);
    await expectInvalid(verifyBackup(join(work, 'damaged.bak')), /does not match its checksum/);

    writeFileSync(join(work, 'truncated.bak'), good.subarray(0, good.length - 1000));
    await expectInvalid(verifyBackup(join(work, 'truncated.bak')), /truncated/);

    writeFileSync(join(work, 'extra.bak'), Buffer.concat([good, Buffer.from('junk')]));
    await expectInvalid(verifyBackup(join(work, 'extra.bak')), /unexpected bytes/);

    const newline = good.indexOf(0x0a);
    const manifestEnd = good.indexOf(0x0a, newline + 1);
    const manifest = JSON.parse(good.subarray(newline + 1, manifestEnd).toString('utf8'));
    const tampered = Buffer.from(good);
    tampered[newline + 20] = tampered[newline + 20] === 0x31 ? 0x32 : 0x31;
    writeFileSync(join(work, 'manifest.bak'), tampered);
    await expectInvalid(verifyBackup(join(work, 'manifest.bak')), /manifest/);

    const future = JSON.stringify({ ...manifest, schemaVersion: 999 });
    const futureHeader = `MAGNATRONIC-BACKUP 1 ${createHash('sha256').update(future).digest('hex')}\n${future}\n`;
    writeFileSync(
      join(work, 'future.bak'),
      Buffer.concat([Buffer.from(futureHeader), good.subarray(manifestEnd + 1)]),
    );
    await expectInvalid(verifyBackup(join(work, 'future.bak')), /schema version 999 is newer/);

    writeFileSync(join(work, 'foreign.bak'), 'SQLite format 3\0 not a backup');
    await expectInvalid(verifyBackup(join(work, 'foreign.bak')), /header/);

    const other = join(work, 'fresh-home');
    await expectInvalid(restoreBackup(join(work, 'damaged.bak'), { home: other }), /checksum/);
    expect(existsSync(join(other, 'magnatronic.db'))).toBe(false);
  });

  it('works from the CLI: backup, restore refuses a damaged file (exit 2, BACKUP_INVALID) and an occupied home', async () => {
    const cliHome = join(work, 'cli-home');
    const file = join(work, 'cli.magnabak');
    const seeded = await openTestApi({}, { home: cliHome });
    await seeded.system.queue.enqueue({ skill: 'test.echo', input: { text: 'cli' } });
    await seeded.close();
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const out = process.stdout.write.bind(process.stdout);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await main(['node', 'magnatronic', '--home', cliHome, 'backup', file])).toBe(0);
      expect(await main(['node', 'magnatronic', '--home', cliHome, 'restore', file])).toBe(4);
      expect(stderr.join('')).toContain('CONFLICT');
      const broken = readFileSync(file);
      broken.writeUInt8(broken.readUInt8(broken.length - 10) ^ 0xff, broken.length - 10);
      writeFileSync(file, broken);
      expect(await main(['node', 'magnatronic', '--home', join(work, 'cli-new'), 'restore', file])).toBe(2);
      expect(stderr.join('')).toMatch(/BACKUP_INVALID: .*does not match its checksum/);
    } finally {
      process.stderr.write = write;
      process.stdout.write = out;
    }
  });
});
