import { randomBytes } from 'node:crypto';

/**
 * Time-ordered ids (48-bit millisecond time + 80 random bits, Crockford base32, 26 chars — the
 * ULID layout), so ids sort by creation time in indexes and logs. Within one millisecond the random
 * part is incremented, keeping ids from one process strictly increasing.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeTime(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = new Uint8Array(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] !== 255) {
      next[i] = (next[i] ?? 0) + 1;
      return next;
    }
    next[i] = 0;
  }
  return next;
}

export function newId(prefix?: string): string {
  const now = Date.now();
  lastRandom = now === lastTime ? increment(lastRandom) : new Uint8Array(randomBytes(10));
  lastTime = now;
  const id = encodeTime(now) + encodeRandom(lastRandom);
  return prefix ? `${prefix}_${id}` : id;
}
