import type { Sharp, SharpOptions } from 'sharp';
import { MagnaError } from '../../core/errors.js';

/**
 * Every image enters through here. sharp loads on first use (libvips is ~40 MB of native code
 * that a command without images should not pay for). Guards, before any pixel is decoded:
 * - bytes: at most MAX_IMAGE_BYTES (50 MiB, far above a camera JPEG of ~10 MiB);
 * - format: read from the header, one of INPUT_FORMATS;
 * - pixels: width × height from the header at most MAX_INPUT_PIXELS (40 MP: a 7,700 × 5,200
 *   photo). A decompression bomb (a few KB of PNG that declares 20,000 × 20,000) fails here and
 *   is also refused by libvips itself through `limitInputPixels` should a header lie.
 * Failures are coded (IMAGE_INVALID, IMAGE_TOO_LARGE, IMAGE_UNSUPPORTED_FORMAT); callers store
 * nothing until every step has succeeded.
 */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
export const MAX_INPUT_PIXELS = 40_000_000;
/** Longest side of any image the design tools write. */
export const MAX_OUTPUT_SIDE = 8_192;

export const INPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif', 'gif', 'tiff', 'svg'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type SharpFactory = (input?: Buffer | string, options?: SharpOptions) => Sharp;
let loaded: Promise<SharpFactory> | undefined;

export function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then((m) => m.default as unknown as SharpFactory);
  return loaded;
}

export interface CheckedImage {
  bytes: Buffer;
  format: (typeof INPUT_FORMATS)[number];
  width: number;
  height: number;
  /** A fresh pipeline over the checked bytes, with the pixel limit set. */
  pipeline(): Sharp;
}

export interface ImageLimits {
  maxBytes?: number;
  maxPixels?: number;
}

function normalizeFormat(format: string | undefined, compression: string | undefined): string | undefined {
  if (format === 'heif') return compression === 'av1' ? 'avif' : 'heif';
  return format;
}

export async function checkImage(bytes: Uint8Array, limits: ImageLimits = {}): Promise<CheckedImage> {
  const maxBytes = limits.maxBytes ?? MAX_IMAGE_BYTES;
  const maxPixels = limits.maxPixels ?? MAX_INPUT_PIXELS;
  if (bytes.byteLength === 0) throw new MagnaError('IMAGE_INVALID', 'The image is empty (0 bytes).');
  if (bytes.byteLength > maxBytes) {
    throw new MagnaError(
      'IMAGE_TOO_LARGE',
      `The image is ${bytes.byteLength} bytes; the limit is ${maxBytes}.`,
      {
        details: { bytes: bytes.byteLength, maxBytes },
      },
    );
  }
  const sharp = await loadSharp();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: Awaited<ReturnType<Sharp['metadata']>>;
  try {
    // Header only: no pixel is decoded here.
    meta = await sharp(buffer, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new MagnaError(
      'IMAGE_UNSUPPORTED_FORMAT',
      'The file is not an image in a format the design tools read.',
      {
        cause,
        details: { accepted: INPUT_FORMATS },
      },
    );
  }
  const format = normalizeFormat(meta.format, meta.compression);
  if (!format || !(INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new MagnaError(
      'IMAGE_UNSUPPORTED_FORMAT',
      `Images in ${format ?? 'this'} format are not accepted.`,
      {
        details: { format: format ?? null, accepted: INPUT_FORMATS },
      },
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new MagnaError('IMAGE_INVALID', 'The image declares no size.');
  if (width * height > maxPixels) {
    throw new MagnaError(
      'IMAGE_TOO_LARGE',
      `The image declares ${width} × ${height} = ${width * height} pixels; the limit is ${maxPixels}.`,
      { details: { width, height, maxPixels } },
    );
  }
  return {
    bytes: buffer,
    format: format as CheckedImage['format'],
    width,
    height,
    pipeline: () => sharp(buffer, { limitInputPixels: maxPixels, failOn: 'error' }),
  };
}

/** Runs a decode step, turning libvips' failures on damaged data into IMAGE_INVALID. */
export async function decoding<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof MagnaError) throw cause;
    const message = (cause as Error).message ?? String(cause);
    if (/pixel limit|exceeds pixel/i.test(message)) {
      throw new MagnaError('IMAGE_TOO_LARGE', `The image exceeds the pixel limit (${what}).`, { cause });
    }
    throw new MagnaError('IMAGE_INVALID', `The image cannot be decoded (${what}): ${message}`, { cause });
  }
}

export function requireSide(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > MAX_OUTPUT_SIDE) {
    throw new MagnaError('INVALID_ARGUMENT', `${name} must be an integer from 1 to ${MAX_OUTPUT_SIDE}.`, {
      details: { [name]: value },
    });
  }
}

export function requireOutputFormat(format: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new MagnaError(
      'IMAGE_UNSUPPORTED_FORMAT',
      `Output format ${format} is not one of ${OUTPUT_FORMATS.join(', ')}.`,
      {
        details: { format, accepted: OUTPUT_FORMATS },
      },
    );
  }
  return format as OutputFormat;
}
