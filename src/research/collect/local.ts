import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SourcePolicy } from '../../security/source-policy.js';
import type { CollectLimits } from '../types.js';
import { decodeBytes } from './charset.js';
import { kindOfExtension, kindOfXml, looksBinary } from './content-types.js';
import { contentHash, type PendingSource } from './dedupe.js';
import { readDocument } from './documents.js';
import { forbidden } from './fetcher.js';

/**
 * Local sources: files, and directories walked in name order. HTML, Markdown, plain text, CSV and
 * JSON are read; crawler control files (robots.txt) and hidden entries are passed over.
 */
const IGNORED = new Set(['robots.txt', 'node_modules']);
/** Directory nesting followed at most this deep, whatever the link depth limit. */
const MAX_DIR_DEPTH = 16;

export interface LocalOptions {
  paths: string[];
  limits: Pick<CollectLimits, 'maxPages' | 'maxBytes'>;
  cwd?: string;
  now?: () => Date;
  onSource?: (source: PendingSource) => void;
  /** Checks each named path and each file found under it on its real path (symlinks resolved). */
  policy?: SourcePolicy;
}

export async function collectLocal(
  options: LocalOptions,
): Promise<{ sources: PendingSource[]; pageLimit: number }> {
  const now = options.now ?? (() => new Date());
  const files: Array<{ path: string; depth: number }> = [];
  const sources: PendingSource[] = [];
  const record = (source: PendingSource): void => {
    sources.push(source);
    options.onSource?.(source);
  };
  const cwd = options.cwd ?? process.cwd();
  const allowed = async (path: string): Promise<string | undefined> => {
    const verdict = await options.policy?.checkPath(path, cwd);
    return verdict && !verdict.allowed ? verdict.reason : undefined;
  };
  for (const raw of options.paths) {
    const path = resolve(cwd, raw.startsWith('file:') ? new URL(raw).pathname : raw);
    const refused = await allowed(path);
    if (refused !== undefined) {
      record(failed(path, 0, now(), 'forbidden', forbidden(refused)));
      continue;
    }
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, 0, files);
      else files.push({ path, depth: 0 });
    } catch (error) {
      record(failed(path, 0, now(), 'io', describeIoError(error)));
    }
  }
  const take = files.slice(0, options.limits.maxPages);
  for (const file of take) {
    // Checked again per file: a link inside a root may point outside it.
    const refused = await allowed(file.path);
    record(
      refused !== undefined
        ? failed(file.path, file.depth, now(), 'forbidden', forbidden(refused))
        : await readLocalFile(file.path, file.depth, options.limits.maxBytes, now),
    );
  }
  return { sources, pageLimit: files.length - take.length };
}

async function walk(dir: string, depth: number, out: Array<{ path: string; depth: number }>): Promise<void> {
  if (depth > MAX_DIR_DEPTH) return;
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    if (entry.name.startsWith('.') || IGNORED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, out);
    else if (entry.isFile()) out.push({ path, depth: depth + 1 });
  }
}

async function readLocalFile(
  path: string,
  depth: number,
  maxBytes: number,
  now: () => Date,
): Promise<PendingSource> {
  const fetchedAt = now();
  const ext = kindOfExtension(path);
  if (!ext)
    return failed(path, depth, fetchedAt, 'unsupported', `file type of ${basename(path)} is not read`);
  let bytes: Buffer;
  try {
    bytes = await readCapped(path, maxBytes);
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'TOO_LARGE';
    return failed(
      path,
      depth,
      fetchedAt,
      tooLarge ? 'too-large' : 'io',
      tooLarge ? `file exceeds the ${maxBytes}-byte cap` : describeIoError(error),
    );
  }
  if (looksBinary(bytes)) return failed(path, depth, fetchedAt, 'not-text', 'file is binary (NUL bytes)');
  const decoded = decodeBytes(bytes, undefined, ext === 'html');
  if (!decoded.ok) return failed(path, depth, fetchedAt, 'charset', decoded.reason);
  const kind = ext === 'xml' ? kindOfXml(decoded.text) : ext;
  const url = pathToFileURL(path).href;
  const read = readDocument(kind, decoded.text, url, basename(path));
  if (!read.ok) return failed(path, depth, fetchedAt, read.failure, read.reason);
  const { content } = read;
  return {
    url,
    path,
    title: content.title,
    text: content.text,
    fetchedAt: fetchedAt.toISOString(),
    contentHash: contentHash(content.text),
    status: 'ok',
    depth,
    via: 'file',
    ...(content.byline ? { byline: content.byline } : {}),
    ...(content.publishedAt ? { publishedAt: content.publishedAt } : {}),
    ...(content.language ? { language: content.language } : {}),
    ...(content.tables.length > 0 ? { tables: content.tables } : {}),
    ...(decoded.warning ? { warnings: [decoded.warning] } : {}),
  };
}

/** Refuses a file over the cap by its size, before reading it. */
async function readCapped(path: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(path);
  if (info.size > maxBytes) throw Object.assign(new Error('too large'), { code: 'TOO_LARGE' });
  return readFile(path);
}

function failed(
  path: string,
  depth: number,
  at: Date,
  failure: PendingSource['failure'] & string,
  reason: string,
): PendingSource {
  return {
    url: pathToFileURL(path).href,
    path,
    title: basename(path),
    text: '',
    fetchedAt: at.toISOString(),
    contentHash: '',
    status: failure === 'unsupported' ? 'skipped' : 'failed',
    failure,
    reason,
    depth,
    via: 'file',
  };
}

function describeIoError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  if (err.code === 'ENOENT') return 'no such file or directory';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message ?? String(error);
}
