import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Test images made here, so the suite needs no binary fixtures. */

/** 1600 × 1000: a sand background and a red disc top right, the one salient subject. */
export function scenePng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000"><rect width="1600" height="1000" fill="#e9dcc0"/><circle cx="1300" cy="260" r="170" fill="#d62828"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Two flat colours in a 60 / 40 split. */
export function twoColourPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="500" height="200"><rect width="300" height="200" fill="#1e3a8a"/><rect x="300" width="200" height="200" fill="#f59e0b"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring width × height (a decompression bomb when large), with a tiny body. */
export function declaredPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real PNG cut off halfway: the header reads, the pixels do not. */
export async function truncatedPng(): Promise<Buffer> {
  const full = await scenePng();
  return full.subarray(0, Math.floor(full.length / 2));
}
