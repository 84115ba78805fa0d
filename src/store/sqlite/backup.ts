import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import type { BackupSummary } from '../admin-port.js';
import type { Migration } from '../migration.js';
import { type SqliteDatabase, schemaVersion } from './database.js';
import { sqliteMigrations } from './migrations/index.js';

/**
 * Backup file layout (one file, readable with `head -2`):
 *
 *   MAGNATRONIC-BACKUP 1 <sha256 of the manifest line>\n
 *   <manifest: one line of JSON>\n
 *   <payload: the files named in the manifest, concatenated in manifest order>
 *
 * The manifest carries the schema version and migration names, and each file's size and SHA-256;
 * the first file is the database snapshot, the others the artifact files (copied as stored, so
 * encrypted artifacts stay encrypted). Restore checks all of it before touching the data directory.
 */
const MAGIC = 'MAGNATRONIC-BACKUP';
const FORMAT = 1;
export const DATABASE_FILE = 'magnatronic.db';
/** A manifest larger than this is not one of ours (64 MiB ≈ 300k artifact entries). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const SAFE_PATH = /^(magnatronic\.db|artifacts\/[\w.-]+(\/[\w.-]+)*)$/;

const manifestSchema = z.strictObject({
  format: z.literal(FORMAT),
  createdAt: z.number().int(),
  schemaVersion: z.number().int().min(0),
  migrations: z.array(z.strictObject({ version: z.number().int(), name: z.string() })),
  files: z
    .array(
      z.strictObject({
        path: z
          .string()
          .regex(SAFE_PATH)
          .refine((p) => !p.split('/').includes('..'), 'must not contain ..'),
        size: z.number().int().min(0),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

/**
 * Writes a consistent backup while the system runs: the database through SQLite's online backup
 * API (a snapshot of committed pages, while writers go on), the artifacts by copying each file
 * once (they are written through a rename, so a copy is never half a file).
 */
export async function createBackup(
  db: SqliteDatabase,
  options: { artifactsRoot: string; target: string },
): Promise<BackupSummary> {
  await mkdir(dirname(options.target), { recursive: true });
  const staging = await mkdtemp(join(dirname(options.target), '.magna-backup-'));
  try {
    const staged: Array<{ path: string; source: string }> = [
      { path: DATABASE_FILE, source: join(staging, DATABASE_FILE) },
    ];
    await db.backup(staged[0]!.source);
    // The snapshot keeps the WAL flag of its source; a rollback-journal file is self-contained.
    const snapshot = new Database(staged[0]!.source);
    snapshot.pragma('journal_mode = DELETE');
    snapshot.close();
    for (const file of await listFiles(options.artifactsRoot)) {
      const rel = relative(options.artifactsRoot, file).split(sep).join('/');
      if (!SAFE_PATH.test(`artifacts/${rel}`)) continue;
      const copy = join(staging, 'artifacts', rel);
      await mkdir(dirname(copy), { recursive: true });
      try {
        await copyFile(file, copy);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
        throw error;
      }
      staged.push({ path: `artifacts/${rel}`, source: copy });
    }
    const files: BackupManifest['files'] = [];
    for (const file of staged)
      files.push({
        path: file.path,
        size: (await stat(file.source)).size,
        sha256: await sha256File(file.source),
      });
    const version = schemaVersion(db);
    const manifest: BackupManifest = {
      format: FORMAT,
      createdAt: Date.now(),
      schemaVersion: version,
      migrations: (
        db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{
          version: number;
          name: string;
        }>
      ).map((m) => ({ version: m.version, name: m.name })),
      files,
    };
    const manifestLine = JSON.stringify(manifest);
    const header = `${MAGIC} ${FORMAT} ${sha256(manifestLine)}\n${manifestLine}\n`;
    const temp = join(staging, 'backup.partial');
    const out = createWriteStream(temp);
    const whole = createHash('sha256');
    out.write(header);
    whole.update(header);
    for (const file of staged) {
      for await (const chunk of createReadStream(file.source)) {
        whole.update(chunk as Buffer);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    }
    await finish(out);
    const handle = await open(temp, 'r+');
    await handle.sync();
    await handle.close();
    // A backup holds everything the database does: owner read/write only.
    await chmod(temp, 0o600);
    await rename(temp, options.target);
    return {
      file: options.target,
      bytes: (await stat(options.target)).size,
      schemaVersion: version,
      files: files.length,
      sha256: whole.digest('hex'),
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Checks a backup end to end without touching anything: header, manifest checksum, schema
 * compatibility, every file's size and SHA-256, no trailing bytes, and SQLite's own integrity
 * check of the database inside. Throws BACKUP_INVALID saying what is wrong.
 */
export async function verifyBackup(
  file: string,
  migrations: readonly Migration[] = sqliteMigrations,
): Promise<BackupManifest> {
  const staging = await mkdtemp(join(dirname(file), '.magna-verify-'));
  try {
    return await extract(file, staging, migrations);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a verified backup into `home`. Refuses (CONFLICT) when a database already exists there
 * unless `force`, in which case the current database and artifacts are moved aside to
 * `<home>/pre-restore-<time>/` rather than deleted. Stop every process using `home` first.
 */
export async function restoreBackup(
  file: string,
  options: { home: string; force?: boolean; migrations?: readonly Migration[] },
): Promise<BackupManifest & { movedAside: string | null }> {
  await mkdir(options.home, { recursive: true });
  const dbPath = join(options.home, DATABASE_FILE);
  const exists = await stat(dbPath).then(
    () => true,
    () => false,
  );
  if (exists && !options.force) {
    throw new MagnaError(
      'CONFLICT',
      `A database already exists at ${dbPath}; stop Magnatronic and pass --force to replace it (it is kept aside).`,
      {
        details: { path: dbPath },
      },
    );
  }
  const staging = await mkdtemp(join(options.home, '.magna-restore-'));
  try {
    const manifest = await extract(file, staging, options.migrations ?? sqliteMigrations);
    let movedAside: string | null = null;
    if (exists) {
      movedAside = join(options.home, `pre-restore-${Date.now()}`);
      await mkdir(movedAside);
      for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'artifacts']) {
        await rename(join(options.home, name), join(movedAside, name)).catch(ignoreMissing);
      }
    } else {
      // A stale WAL beside a restored database would be replayed onto it.
      for (const name of [`${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`])
        await rm(join(options.home, name), { force: true });
      await rm(join(options.home, 'artifacts'), { recursive: true, force: true });
    }
    await rename(join(staging, DATABASE_FILE), dbPath);
    await rename(join(staging, 'artifacts'), join(options.home, 'artifacts')).catch(ignoreMissing);
    return { ...manifest, movedAside };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function extract(
  file: string,
  staging: string,
  migrations: readonly Migration[],
): Promise<BackupManifest> {
  const invalid = (message: string, cause?: unknown) =>
    new MagnaError('BACKUP_INVALID', `${file} is not a usable backup: ${message}`, {
      cause,
      details: { file },
    });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new MagnaError('BACKUP_INVALID', `Cannot read backup ${file}: ${(cause as Error).message}`, {
      cause,
      details: { file },
    });
  }
  let offset = 0;
  let manifest: BackupManifest;
  try {
    const head = await readLine(handle, 0, 200);
    const match = head && new RegExp(`^${MAGIC} (\\d+) ([0-9a-f]{64})$`).exec(head.text);
    if (!head || !match) throw invalid('it does not start with a Magnatronic backup header.');
    if (Number(match[1]) !== FORMAT)
      throw invalid(`backup format ${match[1]} is not supported (this version reads ${FORMAT}).`);
    const line = await readLine(handle, head.next, MAX_MANIFEST_BYTES);
    if (!line) throw invalid('the manifest is truncated.');
    if (sha256(line.text) !== match[2])
      throw invalid('the manifest checksum does not match (the file is damaged).');
    const parsed = manifestSchema.safeParse(safeJson(line.text));
    if (!parsed.success) throw invalid('the manifest is malformed.');
    manifest = parsed.data;
    offset = line.next;
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  checkCompatible(manifest, migrations, invalid);
  const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
  const size = (await stat(file)).size;
  if (size - offset < total)
    throw invalid(`it is truncated (${size - offset} of ${total} payload bytes present).`);
  if (size - offset > total) throw invalid('it has unexpected bytes after the last file.');
  for (const entry of manifest.files) {
    const target = join(staging, ...entry.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const hash = createHash('sha256');
    const out = createWriteStream(target);
    if (entry.size > 0) {
      for await (const chunk of createReadStream(file, { start: offset, end: offset + entry.size - 1 })) {
        hash.update(chunk as Buffer);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    }
    await finish(out);
    if (hash.digest('hex') !== entry.sha256)
      throw invalid(`${entry.path} does not match its checksum (the file is damaged).`);
    offset += entry.size;
  }
  checkDatabase(join(staging, DATABASE_FILE), manifest, invalid);
  return manifest;
}

function checkCompatible(
  manifest: BackupManifest,
  migrations: readonly Migration[],
  invalid: (message: string) => MagnaError,
): void {
  const latest = migrations.at(-1)?.version ?? 0;
  if (manifest.schemaVersion > latest) {
    throw invalid(
      `its schema version ${manifest.schemaVersion} is newer than this Magnatronic supports (${latest}); upgrade before restoring.`,
    );
  }
  for (const applied of manifest.migrations) {
    const ours = migrations.find((m) => m.version === applied.version);
    if (!ours || ours.name !== applied.name) {
      throw invalid(
        `its migration ${applied.version} (${applied.name}) is not this Magnatronic's (${ours?.name ?? 'none'}).`,
      );
    }
  }
}

function checkDatabase(
  path: string,
  manifest: BackupManifest,
  invalid: (message: string, cause?: unknown) => MagnaError,
): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok')
      throw invalid(`the database inside fails SQLite's integrity check (${String(result)}).`);
    const version =
      (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    if (version !== manifest.schemaVersion)
      throw invalid(`the database is at schema ${version}, the manifest says ${manifest.schemaVersion}.`);
  } catch (error) {
    if (error instanceof MagnaError) throw error;
    throw invalid(`the database inside cannot be read (${(error as Error).message}).`, error);
  } finally {
    db?.close();
  }
}

async function readLine(
  handle: Awaited<ReturnType<typeof open>>,
  position: number,
  max: number,
): Promise<{ text: string; next: number } | null> {
  const chunks: Buffer[] = [];
  let read = 0;
  const buffer = Buffer.alloc(64 * 1024);
  while (read <= max) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position + read);
    if (bytesRead === 0) return null;
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (newline >= 0) {
      chunks.push(Buffer.from(buffer.subarray(0, newline)));
      const text = Buffer.concat(chunks).toString('utf8');
      return { text, next: position + read + newline + 1 };
    }
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    read += bytesRead;
  }
  return null;
}

function finish(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
