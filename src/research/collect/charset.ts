import iconv from 'iconv-lite';

/**
 * Turns fetched bytes into text. Order of evidence, as browsers do: byte-order mark, the
 * Content-Type charset, a `<meta charset>` in the first 1024 bytes of HTML, then a UTF-8 validity
 * check with windows-1252 as the legacy fallback (the WHATWG default for undeclared pages).
 */
export type DecodeResult =
  | { ok: true; text: string; charset: string; warning?: string }
  | { ok: false; reason: string };

/** Share of U+FFFD in text decoded as declared UTF-8 above which the declaration is taken as wrong. */
const MAX_REPLACEMENT_SHARE = 0.002;

export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  const match = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function sniffBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function sniffMeta(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const match =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ??
    /<meta[^>]+content\s*=\s*["'][^"']*charset=([\w.:-]+)/i.exec(head);
  return match?.[1]?.toLowerCase();
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function isUtf8(label: string): boolean {
  return label === 'utf-8' || label === 'utf8';
}

export function decodeBytes(
  bytes: Uint8Array,
  headerCharset: string | undefined,
  isHtml: boolean,
): DecodeResult {
  const bom = sniffBom(bytes);
  const declared = bom ?? headerCharset ?? (isHtml ? sniffMeta(bytes) : undefined);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (declared === undefined) {
    if (isValidUtf8(bytes)) return { ok: true, text: buffer.toString('utf8'), charset: 'utf-8' };
    return {
      ok: true,
      text: iconv.decode(buffer, 'windows-1252'),
      charset: 'windows-1252',
      warning: 'no charset declared and bytes are not UTF-8; decoded as windows-1252',
    };
  }
  if (!iconv.encodingExists(declared)) return { ok: false, reason: `unsupported charset "${declared}"` };
  const text = iconv.decode(buffer, declared);
  if (isUtf8(declared)) {
    const bad = countReplacements(text);
    if (bad > 0 && bad / Math.max(1, text.length) > MAX_REPLACEMENT_SHARE) {
      return {
        ok: false,
        reason: `declared UTF-8 but ${bad} byte sequences are not valid UTF-8 (wrong charset declaration)`,
      };
    }
    if (bad > 0)
      return { ok: true, text, charset: 'utf-8', warning: `${bad} invalid UTF-8 sequences replaced` };
  }
  return { ok: true, text, charset: declared };
}

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
  return count;
}
