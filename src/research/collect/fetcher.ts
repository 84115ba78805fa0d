import type { Dispatcher, Response } from 'undici';
import { fetch as guardedFetch } from 'undici';
import type { SourcePolicy } from '../../security/source-policy.js';
import type { FailureKind } from '../types.js';
import { charsetFromContentType, decodeBytes } from './charset.js';
import {
  type DocumentKind,
  kindOfExtension,
  kindOfMediaType,
  kindOfXml,
  looksBinary,
  mediaType,
} from './content-types.js';

/**
 * One HTTP GET with every guard a crawler needs: a time limit covering headers and body, a byte
 * cap enforced while streaming, a redirect cap with loop detection, a content-type allow-list and
 * charset decoding. It never throws for a bad source: failures come back as data.
 */
export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  signal?: AbortSignal;
  /** Called before each redirect hop, so hops are paced like any other request to the host. */
  beforeRedirect?: (url: string) => Promise<void>;
  /** Kinds accepted; others fail as `not-text`. Default: all readable kinds. */
  accept?: ReadonlySet<DocumentKind>;
  /**
   * Checked before the first request and before every redirect hop; a refused URL fails as
   * `forbidden` without a byte sent to it. Pair it with `dispatcher` (see guarded-dispatcher.ts)
   * so the connection itself goes only to the addresses the policy approved.
   */
  policy?: SourcePolicy;
  dispatcher?: Dispatcher;
}

export type FetchOutcome =
  | {
      ok: true;
      url: string;
      finalUrl: string;
      status: number;
      contentType: string;
      kind: DocumentKind;
      text: string;
      charset: string;
      language?: string;
      warning?: string;
    }
  | { ok: false; url: string; finalUrl: string; failure: FailureKind; reason: string; status?: number };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function fetchText(url: string, options: FetchOptions): Promise<FetchOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const visited = new Set<string>([url]);
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const verdict = await options.policy?.checkUrl(current);
      if (verdict && !verdict.allowed) return fail(url, current, 'forbidden', forbidden(verdict.reason));
      const response = await guardedFetch(current, {
        redirect: 'manual',
        signal,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        headers: {
          'user-agent': options.userAgent,
          accept:
            'text/html,application/xhtml+xml,text/plain,text/csv,application/json,application/xml;q=0.9,*/*;q=0.5',
        },
      });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location)
          return fail(
            url,
            current,
            'http-status',
            `HTTP ${response.status} without a Location header`,
            response.status,
          );
        const next = new URL(location, current).href;
        if (visited.has(next))
          return fail(url, current, 'redirects', `redirect loop at ${next}`, response.status);
        if (hop + 1 > options.maxRedirects) {
          return fail(
            url,
            current,
            'redirects',
            `more than ${options.maxRedirects} redirects`,
            response.status,
          );
        }
        visited.add(next);
        current = next;
        await options.beforeRedirect?.(next);
        continue;
      }
      return await readResponse(url, current, response, options, timeout);
    }
  } catch (error) {
    return fail(url, current, ...classifyError(error, timeout, options.timeoutMs));
  }
}

async function readResponse(
  url: string,
  finalUrl: string,
  response: Response,
  options: FetchOptions,
  timeout: AbortSignal,
): Promise<FetchOutcome> {
  if (!response.ok) {
    await response.body?.cancel();
    return fail(
      url,
      finalUrl,
      'http-status',
      `HTTP ${response.status} ${response.statusText}`.trim(),
      response.status,
    );
  }
  const contentType = response.headers.get('content-type') ?? '';
  const declaredKind = kindOfMediaType(contentType) ?? (contentType ? undefined : kindOfExtension(finalUrl));
  if (declaredKind === undefined) {
    await response.body?.cancel();
    return fail(
      url,
      finalUrl,
      'not-text',
      `content type "${mediaType(contentType) || 'none'}" is not text`,
      response.status,
    );
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(length) && length > options.maxBytes) {
    await response.body?.cancel();
    return fail(
      url,
      finalUrl,
      'too-large',
      `${length} bytes exceeds the ${options.maxBytes}-byte cap`,
      response.status,
    );
  }
  const bytes = await readCapped(response, options.maxBytes);
  if (bytes === undefined) {
    return fail(url, finalUrl, 'too-large', `body exceeds the ${options.maxBytes}-byte cap`, response.status);
  }
  if (timeout.aborted)
    return fail(url, finalUrl, 'timeout', `no complete response within ${options.timeoutMs} ms`);
  if (looksBinary(bytes))
    return fail(url, finalUrl, 'not-text', 'body is binary (NUL bytes)', response.status);
  const decoded = decodeBytes(bytes, charsetFromContentType(contentType), declaredKind === 'html');
  if (!decoded.ok) return fail(url, finalUrl, 'charset', decoded.reason, response.status);
  const kind = declaredKind === 'xml' ? kindOfXml(decoded.text) : declaredKind;
  if (options.accept && !options.accept.has(kind)) {
    return fail(url, finalUrl, 'not-text', `content of kind ${kind} is not accepted here`, response.status);
  }
  const language = response.headers.get('content-language')?.split(',')[0]?.trim();
  return {
    ok: true,
    url,
    finalUrl,
    status: response.status,
    contentType,
    kind,
    text: decoded.text,
    charset: decoded.charset,
    ...(language ? { language } : {}),
    ...(decoded.warning ? { warning: decoded.warning } : {}),
  };
}

/** Reads the body, giving up (and cancelling the stream) as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function classifyError(error: unknown, timeout: AbortSignal, timeoutMs: number): [FailureKind, string] {
  if (timeout.aborted) return ['timeout', `no complete response within ${timeoutMs} ms`];
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError') return ['cancelled', 'the collection was cancelled'];
  const code = err?.cause?.code ?? '';
  if (code === 'RESEARCH_SOURCE_FORBIDDEN') return ['forbidden', forbidden(err?.cause?.message ?? '')];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ['dns', `host name not found (${code})`];
  if (code === 'ECONNREFUSED') return ['refused', 'connection refused (ECONNREFUSED)'];
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return ['timeout', `no complete response within ${timeoutMs} ms (${code})`];
  }
  const detail = err?.cause?.message ?? err?.message ?? String(error);
  return ['network', code ? `${detail} (${code})` : detail];
}

/** The reason text of a refused source names the stable code, as the corpus keeps only text. */
export function forbidden(reason: string): string {
  return `RESEARCH_SOURCE_FORBIDDEN: ${reason}`;
}

function fail(
  url: string,
  finalUrl: string,
  failure: FailureKind,
  reason: string,
  status?: number,
): Extract<FetchOutcome, { ok: false }> {
  return status === undefined
    ? { ok: false, url, finalUrl, failure, reason }
    : { ok: false, url, finalUrl, failure, reason, status };
}
