import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A static HTTP server for the sample market-research site (samples/market-site/site), on
 * 127.0.0.1. Tests, the benchmark and the demo crawl it for real. `{{origin}}` in text files is
 * replaced by the server's own origin, so feeds, sitemaps and robots.txt carry absolute URLs.
 * With `failures: true` it also serves the broken routes under /fail/ that the crawler must survive.
 * Every request is appended to `log`, with its arrival time, for politeness and robots checks.
 */
export const SAMPLE_SITE_ROOT = resolve(fileURLToPath(import.meta.url), '../../../samples/market-site/site');

export interface AccessLogEntry {
  /** Arrival time in ms (performance.now() based, monotonic). */
  at: number;
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

export interface SampleSiteOptions {
  root?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  failures?: boolean;
  /** How long /fail/slow.html waits before answering (default 10 s). */
  slowMs?: number;
}

export interface SampleSite {
  url: string;
  port: number;
  log: AccessLogEntry[];
  /** Paths of the failure routes, relative to `url`, when `failures` is on. */
  failureRoutes: Record<FailureRoute, string>;
  close(): Promise<void>;
}

export type FailureRoute =
  | 'notFound'
  | 'serverError'
  | 'slow'
  | 'huge'
  | 'binary'
  | 'binaryAsHtml'
  | 'broken'
  | 'unclosed'
  | 'latin1'
  | 'mislabelled'
  | 'redirectLoop'
  | 'redirect';

const FAILURE_ROUTES: Record<FailureRoute, string> = {
  notFound: '/fail/missing.html',
  serverError: '/fail/error.html',
  slow: '/fail/slow.html',
  huge: '/fail/huge.html',
  binary: '/fail/archive.bin',
  binaryAsHtml: '/fail/binary.html',
  broken: '/fail/broken.html',
  unclosed: '/fail/unclosed.html',
  latin1: '/fail/latin1.html',
  mislabelled: '/fail/mislabelled.html',
  redirectLoop: '/fail/loop-a',
  redirect: '/fail/moved',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

/** Size of the oversized page: 5 MiB, above the 2 MiB default cap. */
const HUGE_BYTES = 5 * 1024 * 1024;

export async function startSampleSite(options: SampleSiteOptions = {}): Promise<SampleSite> {
  const root = resolve(options.root ?? SAMPLE_SITE_ROOT);
  const log: AccessLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  const server = createServer((req, res) => {
    const entry: AccessLogEntry = {
      at: performance.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      userAgent: req.headers['user-agent'] ?? '',
    };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.failures && path.startsWith('/fail/')) {
      serveFailure(path, req, res, options.slowMs ?? 10_000, timers);
      return;
    }
    void serveFile(root, path, origin, res);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    port,
    log,
    failureRoutes: { ...FAILURE_ROUTES },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

async function serveFile(root: string, pathname: string, origin: string, res: ServerResponse): Promise<void> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad path');
  }
  let file = join(root, relative);
  if (file !== root && !file.startsWith(root + sep))
    return send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    let body: Buffer = await readFile(file);
    if (type.includes('charset=utf-8') || type === 'application/json') {
      body = Buffer.from(body.toString('utf8').replaceAll('{{origin}}', origin));
    }
    send(res, 200, type, body);
  } catch {
    send(res, 404, 'text/html; charset=utf-8', '<!doctype html><title>Not found</title><h1>Not found</h1>');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function serveFailure(
  path: string,
  _req: IncomingMessage,
  res: ServerResponse,
  slowMs: number,
  timers: Set<NodeJS.Timeout>,
): void {
  const html = 'text/html; charset=utf-8';
  switch (path) {
    case FAILURE_ROUTES.serverError:
      send(res, 500, html, '<!doctype html><h1>Internal Server Error</h1>');
      return;
    case FAILURE_ROUTES.slow: {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(
          res,
          200,
          html,
          '<!doctype html><h1>Too late</h1><p>This page answers after the crawler gave up on it.</p>',
        );
      }, slowMs);
      timers.add(timer);
      return;
    }
    case FAILURE_ROUTES.huge: {
      // Streamed without Content-Length, so the cap must be enforced while reading.
      res.writeHead(200, { 'content-type': html });
      const chunk = Buffer.from(`<p>${'Battery storage filler text. '.repeat(2000)}</p>\n`);
      let sent = 0;
      const write = (): void => {
        while (sent < HUGE_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      write();
      return;
    }
    case FAILURE_ROUTES.binary:
      send(res, 200, 'application/octet-stream', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3]));
      return;
    case FAILURE_ROUTES.binaryAsHtml:
      send(res, 200, html, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
      return;
    case FAILURE_ROUTES.broken:
      send(
        res,
        200,
        html,
        '<html<<body>></div></p><<<table><tr><td></td></tr></table><!-- unterminated <script>var x = "',
      );
      return;
    case FAILURE_ROUTES.unclosed:
      send(
        res,
        200,
        html,
        '<html><head><title>Unclosed tags</title><body><div><p>Battery demand keeps rising in coastal states, installers say.<p>Most quotes now include a battery<b> as standard</i></div></span><table><tr><td>still readable',
      );
      return;
    case FAILURE_ROUTES.latin1:
      send(
        res,
        200,
        'text/html; charset=iso-8859-1',
        Buffer.from(
          '<!doctype html><html lang="fr"><head><title>Marché des batteries</title></head><body><p>Le marché français des batteries domestiques a progressé en 2025. Les installateurs de la région Provence-Alpes-Côte d\u2019Azur sont très optimistes pour l\u2019année prochaine.</p></body></html>'.replace(
            /\u2019/g,
            "'",
          ),
          'latin1',
        ),
      );
      return;
    case FAILURE_ROUTES.mislabelled:
      send(
        res,
        200,
        html,
        Buffer.from(
          `<!doctype html><html><head><title>Mislabelled</title></head><body><p>${'Résumé du marché: les ventes ont été très élevées à Genève et à Zürich. '.repeat(20)}</p></body></html>`,
          'latin1',
        ),
      );
      return;
    case FAILURE_ROUTES.redirectLoop:
      res.writeHead(302, { location: '/fail/loop-b' });
      res.end();
      return;
    case '/fail/loop-b':
      res.writeHead(302, { location: FAILURE_ROUTES.redirectLoop });
      res.end();
      return;
    case FAILURE_ROUTES.redirect:
      res.writeHead(301, { location: '/articles/market-outlook-2026.html' });
      res.end();
      return;
    case '/fail/':
    case '/fail/index.html':
      send(
        res,
        200,
        html,
        `<!doctype html><html lang="en"><head><title>Failure routes</title></head><body><h1>Failure routes</h1><p>Links to pages that fail on purpose, for testing the crawler.</p><ul>${Object.values(
          FAILURE_ROUTES,
        )
          .map((route) => `<li><a href="${route}">${route}</a></li>`)
          .join('')}</ul></body></html>`,
      );
      return;
    default:
      send(res, 404, html, '<!doctype html><title>Not found</title><h1>Not found</h1>');
  }
}
