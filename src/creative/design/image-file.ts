import { readFile, stat } from 'node:fs/promises';
import { MagnaError } from '../../core/errors.js';
import { type CheckedImage, checkImage, type ImageLimits, MAX_IMAGE_BYTES } from './image-input.js';

/** Reads an image file: its size is checked before a byte is read, then its header. */
export async function readImageFile(path: string, limits: ImageLimits = {}): Promise<CheckedImage> {
  const maxBytes = limits.maxBytes ?? MAX_IMAGE_BYTES;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (cause) {
    throw new MagnaError('NOT_FOUND', `The image ${path} cannot be read: ${(cause as Error).message}`, {
      cause,
      details: { path },
    });
  }
  if (size > maxBytes) {
    throw new MagnaError('IMAGE_TOO_LARGE', `The image ${path} is ${size} bytes; the limit is ${maxBytes}.`, {
      details: { path, bytes: size, maxBytes },
    });
  }
  return checkImage(await readFile(path), limits);
}
