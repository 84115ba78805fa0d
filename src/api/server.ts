import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { MagnaConfig } from '../core/config.js';
import { MagnaError } from '../core/errors.js';
import type { System } from '../runtime/system.js';
import { deliverAdminKey } from './admin-key-output.js';
import { installAudit, installAuth } from './auth.js';
import { sendError } from './errors.js';
import { installHostileInputChecks } from './hostile-input.js';
import { createMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { listenError } from './port.js';
import { type RouteDef, registerRoutes } from './route.js';
import { agentRoutes } from './routes/agents.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { docsRoutes } from './routes/docs.js';
import { effectRoutes } from './routes/effects.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { knowledgeRoutes } from './routes/knowledge.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { missionRoutes } from './routes/missions.js';
import { taskRoutes } from './routes/tasks.js';
import { installSecurityHeaders } from './security-headers.js';

/** The version the OpenAPI document states: the package version. */
const API_VERSION = '0.1.0';
/** Largest WebSocket frame a client may send (the event stream only sends). */
const WS_MAX_PAYLOAD = 64 * 1024;

/** Every route of the API but the docs routes, which describe these. */
export const API_ROUTES: readonly RouteDef[] = [
  ...healthRoutes,
  ...authRoutes,
  ...missionRoutes,
  ...taskRoutes,
  ...agentRoutes,
  ...effectRoutes,
  ...messageRoutes,
  ...knowledgeRoutes,
  ...eventRoutes,
  ...metricsRoutes,
  ...keyRoutes,
  ...auditRoutes,
];

let openApiDocument: Record<string, unknown> | undefined;
/** Every route including the docs routes, and the OpenAPI document describing them. */
export function allRoutes(): RouteDef[] {
  return [...API_ROUTES, ...docsRoutes(openApi)];
}
export function openApi(): Record<string, unknown> {
  openApiDocument ??= buildOpenApi(allRoutes(), { version: API_VERSION });
  return openApiDocument;
}

function httpsOptions(server: MagnaConfig['server']): { cert: Buffer; key: Buffer } | null {
  if (!server.tlsCert && !server.tlsKey) return null;
  if (!server.tlsCert || !server.tlsKey) {
    throw new MagnaError(
      'CONFIG_INVALID',
      'HTTPS needs both server.tlsCert and server.tlsKey (MAGNA_SERVER_TLS_CERT, MAGNA_SERVER_TLS_KEY).',
    );
  }
  try {
    return { cert: readFileSync(server.tlsCert), key: readFileSync(server.tlsKey) };
  } catch (cause) {
    throw new MagnaError(
      'CONFIG_INVALID',
      `Cannot read the TLS certificate or key: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Builds the HTTP API on a System without listening (tests use `app.inject`). Order matters:
 * authentication runs first on every request (onRequest), rate limiting per key after it
 * (preHandler, so it can key on the principal), and the audit record is written before the
 * response leaves (onSend).
 */
export async function buildApiServer(system: System): Promise<FastifyInstance> {
  const { server } = system.config;
  const https = httpsOptions(server);
  const app = Fastify({
    loggerInstance: system.logger.child({ module: 'api' }),
    // Requests are counted in /metrics and audited when they change something; a log line each
    // would only cost throughput.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: server.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ...(https ? { https } : {}),
    // Malformed URLs are refused before routing; they get the same error shape as the rest.
    frameworkErrors: (error, request, reply) => {
      sendError(error, request, reply);
    },
  }) as unknown as FastifyInstance;
  const metrics = createMetrics(system.events, system.queue);
  const streams = new Set<() => void>();

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new MagnaError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`),
      request,
      reply,
    ),
  );
  // Hooks that must run before authentication can refuse a request: security headers on every
  // answer, and CORS preflights.
  await installSecurityHeaders(app);
  if (server.corsOrigin) {
    await app.register(cors, { origin: server.corsOrigin.split(',').map((o) => o.trim()) });
  }
  installAuth(app, system.security, system.events);
  installAudit(app, system.security);
  installHostileInputChecks(app);
  app.addHook('onResponse', async (request, reply) => {
    // An upgrade refused with an HTTP answer (401, 403, 404) still holds its raw socket: close it.
    if (request.headers.upgrade !== undefined && !request.raw.socket.destroyed) request.raw.socket.destroy();
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => metrics.close());

  await app.register(rateLimit, {
    global: true,
    max: server.rateLimitPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    allowList: (request) => request.routeOptions.config?.permission === null,
    errorResponseBuilder: (_request, context) =>
      new MagnaError(
        'RATE_LIMITED',
        // One window of 60 s: say so, and how long until this key's window starts again.
        `More than ${context.max} requests in 60 s; retry in ${Math.ceil(context.ttl / 1000)} s.`,
        {
          details: { limit: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        },
      ),
  });
  const shared = { system, metrics, streams };
  const routes = allRoutes();
  registerRoutes(
    app,
    routes.filter((r) => !r.websocket),
    shared,
  );
  // The WebSocket plugin in its own context: its per-request hooks then cost only its own routes.
  await app.register(async (child) => {
    await child.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD } });
    registerRoutes(
      child,
      routes.filter((r) => r.websocket),
      shared,
    );
  });
  await app.ready();
  return app;
}

export interface StartedApi {
  app: FastifyInstance;
  /** Where it listens, e.g. https://127.0.0.1:7070 */
  url: string;
  /** The admin key made on this first start, if one was (printed once, never stored in clear). */
  adminKey: string | null;
  close(): Promise<void>;
}

/**
 * Serves the API (the `server` command alone, `start` beside the agents). On first start, when no
 * admin key is active, one is created — from MAGNA_ADMIN_KEY if set — and a generated one is
 * handed to `onAdminKey` (default: deliverAdminKey — stderr on a terminal, else a 0600 file) once.
 */
export async function startApiServer(
  system: System,
  options: { host?: string; port?: number; onAdminKey?: (key: string) => void } = {},
): Promise<StartedApi> {
  const created = await system.security.ensureAdmin();
  let adminKey: string | null = null;
  if (created.created) {
    await system.security.audit.record({
      actor: 'system',
      role: null,
      action: 'keys.bootstrap',
      target: created.id,
      ip: null,
      outcome: 'ok',
      status: null,
      details: { source: created.key ? 'generated' : 'config' },
    });
    adminKey = created.key;
    if (adminKey) {
      const print = options.onAdminKey ?? ((key: string) => deliverAdminKey(key, system.config.home));
      print(adminKey);
    }
  }
  const app = await buildApiServer(system);
  const host = options.host ?? system.config.server.host;
  const wanted = options.port ?? system.config.server.port;
  try {
    await app.listen({ host, port: wanted });
  } catch (error) {
    await app.close();
    throw listenError(error, host, wanted);
  }
  const address = app.server.address();
  const port =
    typeof address === 'object' && address ? address.port : (options.port ?? system.config.server.port);
  const scheme = system.config.server.tlsCert ? 'https' : 'http';
  return {
    app,
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    adminKey,
    close: () => app.close(),
  };
}
