import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { ErrorCode } from '../core/error-codes.js';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import type { System } from '../runtime/system.js';
import type { AuthenticatedPrincipal } from '../security/keys.js';
import type { Permission } from '../security/permissions.js';
import type { ApiMetrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; null only on the public route. */
    principal: AuthenticatedPrincipal | null;
    /** The error code of a failed request, for the audit record. */
    errorCode: string | null;
  }
  interface FastifyContextConfig {
    /** The permission the route needs; null marks the one public route (/healthz). */
    permission?: Permission | null;
    operationId?: string;
    /** Accept `?access_token=` (EventSource and browser WebSocket cannot set headers). */
    queryToken?: boolean;
    /** Accept HTTP Basic credentials (key as password) so a browser can open the docs. */
    basicAuth?: boolean;
  }
}

/** What a route handler gets: parsed, validated input and the caller. */
export interface RouteContext<P, Q, B> {
  system: System;
  metrics: ApiMetrics;
  /** Closers of open streams (SSE, WebSocket), ended when the server closes. */
  streams: Set<() => void>;
  principal: AuthenticatedPrincipal;
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API operation, declared once: the zod schemas here validate requests and generate the
 * OpenAPI document (src/api/openapi.ts), and `permission` is what the auth hook enforces.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Path as OpenAPI writes it, when the Fastify path has a wildcard. */
  openapiPath?: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  permission: Permission | null;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Whether a body may be left out (the schema then sees `{}`). */
  bodyOptional?: boolean;
  response: { status: 200 | 201 | 202; description: string; schema?: z.ZodType; contentType?: string };
  /** Error codes this operation documents besides the common ones (400, 401, 403, 429). */
  errors?: ErrorCode[];
  /** Left out of the OpenAPI document (the docs page's own assets). */
  hidden?: boolean;
  queryToken?: boolean;
  basicAuth?: boolean;
  /** A WebSocket route: `socket` replaces the JSON reply. */
  websocket?: (socket: WebSocket, ctx: RouteContext<P, Q, B>) => void;
  handler?: (ctx: RouteContext<P, Q, B>) => Promise<unknown>;
}

/** Declares a route; the type parameters flow from the schemas into the handler. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  def: RouteDef<P, Q, B>,
): RouteDef {
  return def as unknown as RouteDef;
}

/** Validates one part of a request; a failure is INVALID_ARGUMENT with field paths like `body.goal`. */
export function parsePart<T>(
  part: 'path' | 'query' | 'body',
  schema: z.ZodType<T> | undefined,
  value: unknown,
): T {
  if (!schema) return (part === 'body' ? undefined : {}) as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(
    unwrapUnions(result.error.issues).map((i) => ({ ...i, path: [part, ...i.path] })),
  );
  throw new MagnaError(
    'INVALID_ARGUMENT',
    `Invalid request ${part}: ${details.issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}`,
    { details },
  );
}

/**
 * A value that fits no branch of a union (POST /tasks takes a task or an array of tasks) is reported
 * with the issues of the branch of its own shape, so the caller sees `body.skill`, not "invalid input".
 */
function unwrapUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const sameShape = (branch: z.core.$ZodIssue[]) =>
      !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0);
    const branch = issue.errors.find(sameShape) ?? issue.errors[0]!;
    return unwrapUnions(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
  });
}

export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  shared: { system: System; metrics: ApiMetrics; streams: Set<() => void> },
): void {
  for (const def of routes) {
    const config = {
      permission: def.permission,
      operationId: def.operationId,
      queryToken: def.queryToken === true,
      basicAuth: def.basicAuth === true,
    };
    const context = (
      request: FastifyRequest,
      reply: FastifyReply,
    ): RouteContext<unknown, unknown, unknown> => ({
      ...shared,
      principal: request.principal!,
      params: parsePart('path', def.params, request.params),
      query: parsePart('query', def.query, request.query),
      body: parsePart('body', def.body, request.body === undefined && def.bodyOptional ? {} : request.body),
      request,
      reply,
    });
    if (def.websocket) {
      const onSocket = def.websocket;
      app.route({
        method: 'GET',
        url: def.url,
        config,
        // Plain HTTP GETs (no upgrade) are answered by the same socket handler's fallback below.
        handler: async () => {
          throw new MagnaError(
            'INVALID_ARGUMENT',
            'This endpoint speaks WebSocket; send an Upgrade request.',
          );
        },
        wsHandler: (socket, request) => {
          let ctx: RouteContext<unknown, unknown, unknown>;
          try {
            ctx = context(request, undefined as unknown as FastifyReply);
          } catch (error) {
            socket.close(1008, (error as Error).message.slice(0, 120));
            return;
          }
          onSocket(socket, ctx);
        },
      });
      continue;
    }
    const handler = def.handler!;
    app.route({
      method: def.method,
      url: def.url,
      config,
      handler: async (request, reply) => {
        const result = await handler(context(request, reply));
        if (reply.sent) return reply;
        reply.code(def.response.status);
        if (def.response.contentType) reply.type(def.response.contentType);
        return result;
      },
    });
  }
}
