import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { MagnaError } from '../core/errors.js';

/**
 * Files a mission produces (reports, charts, exports), kept under `<home>/artifacts/<mission>/`.
 * Writes go to a temporary name first and are renamed, so a crash never leaves half a file.
 */
export class ArtifactStore {
  constructor(readonly root: string) {}

  pathOf(scope: string, name: string): string {
    const dir = resolve(this.root, safeSegment(scope));
    const path = resolve(dir, name);
    if (!path.startsWith(dir + sep)) {
      throw new MagnaError('INVALID_ARGUMENT', `Artifact name ${name} escapes its folder.`, { details: { name } });
    }
    return path;
  }

  async write(scope: string, name: string, content: string | Uint8Array): Promise<string> {
    const path = this.pathOf(scope, name);
    await mkdir(join(path, '..'), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, content);
    const { rename } = await import('node:fs/promises');
    await rename(temp, path);
    return path;
  }

  read(scope: string, name: string): Promise<Buffer> {
    return readFile(this.pathOf(scope, name));
  }
}

function safeSegment(value: string): string {
  if (!/^[\w.-]{1,128}$/.test(value) || value === '.' || value === '..') {
    throw new MagnaError('INVALID_ARGUMENT', `Invalid artifact scope ${value}.`, { details: { scope: value } });
  }
  return value;
}
