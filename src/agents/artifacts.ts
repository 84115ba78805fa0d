import { mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { MagnaError } from '../core/errors.js';
import type { Encryptor } from '../security/encryption.js';

/**
 * Files a mission produces (reports, charts, exports), kept under `<home>/artifacts/<mission>/`.
 * Writes go to a temporary name first and are renamed, so a crash never leaves half a file.
 */
export class ArtifactStore {
  /** With an enabled encryptor, files are stored encrypted (AES-256-GCM) and decrypted on read. */
  constructor(
    readonly root: string,
    private readonly encryptor?: Encryptor,
  ) {}

  pathOf(scope: string, name: string): string {
    const dir = resolve(this.root, safeSegment(scope));
    const path = resolve(dir, name);
    if (!path.startsWith(dir + sep)) {
      throw new MagnaError('INVALID_ARGUMENT', `Artifact name ${name} escapes its folder.`, {
        details: { name },
      });
    }
    return path;
  }

  async write(scope: string, name: string, content: string | Uint8Array): Promise<string> {
    const path = this.pathOf(scope, name);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, this.encryptor?.enabled ? this.encryptor.encryptBytes(toBytes(content)) : content);
    await rename(temp, path);
    return path;
  }

  async read(scope: string, name: string): Promise<Buffer> {
    const content = await readFile(this.pathOf(scope, name));
    return this.encryptor ? this.encryptor.decryptBytes(content) : content;
  }

  /**
   * Reads an artifact by the path `write` returned (skills hand paths to each other), decrypting
   * it like `read`. Only files inside the store are read, compared on real paths (symlinks
   * resolved); `scopes`, when given, narrows that to those missions' folders.
   */
  async readPath(path: string, scopes?: readonly string[]): Promise<Buffer> {
    let real: string;
    let root: string;
    try {
      root = await realpath(this.root);
      real = await realpath(resolve(path));
    } catch (cause) {
      throw new MagnaError('NOT_FOUND', `The artifact ${path} does not exist.`, { cause, details: { path } });
    }
    const folders = scopes ? scopes.map((scope) => resolve(root, safeSegment(scope))) : [root];
    if (!folders.some((folder) => real.startsWith(folder + sep))) {
      throw new MagnaError('RESEARCH_SOURCE_FORBIDDEN', `${path} is not an artifact this task may read.`, {
        details: { path },
      });
    }
    const content = await readFile(real);
    return this.encryptor ? this.encryptor.decryptBytes(content) : content;
  }
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function safeSegment(value: string): string {
  if (!/^[\w.-]{1,128}$/.test(value) || value === '.' || value === '..') {
    throw new MagnaError('INVALID_ARGUMENT', `Invalid artifact scope ${value}.`, {
      details: { scope: value },
    });
  }
  return value;
}
