import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';
import { PERMISSIONS } from '../security/permissions.js';
import type { RouteDef } from './route.js';
import { ErrorBody, nameOf } from './schemas.js';

type JsonSchema = Record<string, unknown>;

/** Errors every authenticated operation can answer with. */
const COMMON_ERRORS: ErrorCode[] = ['INVALID_ARGUMENT', 'AUTH_REQUIRED', 'FORBIDDEN', 'RATE_LIMITED'];

/**
 * The OpenAPI 3.1 document, generated from the same route table and zod schemas that validate
 * requests, so the document cannot drift from what the server accepts. Named schemas
 * (schemas.ts `named`) become components referenced with $ref.
 */
export function buildOpenApi(routes: readonly RouteDef[], options: { version: string }): JsonSchema {
  const components = new Map<string, JsonSchema>();
  const pending = new Map<string, z.ZodType>();
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const root = schema;
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        const zodSchema = ctx.zodSchema as unknown as z.ZodType;
        const name = nameOf(zodSchema);
        if (!name || zodSchema === root) return;
        if (!components.has(name)) pending.set(name, zodSchema);
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
        (ctx.jsonSchema as JsonSchema).$ref = `#/components/schemas/${name}`;
      },
    }) as JsonSchema;
    delete json.$schema;
    return json;
  };
  const ref = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const name = nameOf(schema);
    if (!name) return convert(schema, io);
    if (!components.has(name)) pending.set(name, schema);
    return { $ref: `#/components/schemas/${name}` };
  };

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    if (route.hidden) continue;
    const path = route.openapiPath ?? route.url.replace(/:(\w+)/g, '{$1}');
    const parameters: JsonSchema[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = convert(schema, 'input');
      const required = new Set((json.required as string[] | undefined) ?? []);
      const wildcard = route.openapiPath?.match(/\{(\w+)\}$/)?.[1];
      for (const [name, property] of Object.entries((json.properties as Record<string, JsonSchema>) ?? {})) {
        const { description, ...rest } = property;
        parameters.push({
          name: name === '*' && wildcard ? wildcard : name,
          in: where,
          required: where === 'path' || required.has(name),
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    const errorCodes = [...(route.permission === null ? [] : COMMON_ERRORS), ...(route.errors ?? [])];
    const responses: Record<string, JsonSchema> = {
      [String(route.response.status)]: {
        description: route.response.description,
        ...(route.response.schema || route.response.contentType
          ? {
              content: {
                [route.response.contentType ?? 'application/json']: {
                  schema: route.response.schema ? ref(route.response.schema, 'output') : { type: 'string' },
                },
              },
            }
          : {}),
      },
    };
    for (const code of errorCodes) {
      const status = String(ERROR_CODES[code].http);
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = {
        description: existing ? `${existing.description}; ${code}` : code,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ...(status === '429'
          ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
          : {}),
      };
    }
    const permission = route.permission;
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      description: [
        route.description,
        permission
          ? `Requires permission \`${permission}\` (roles: ${PERMISSIONS[permission].roles.join(', ')}).`
          : 'Public: no credentials needed.',
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: [route.tag],
      ...(permission ? { 'x-permission': permission } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyOptional !== true,
              content: { 'application/json': { schema: convert(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  pending.set('Error', ErrorBody);
  while (pending.size > 0) {
    const [name, schema] = pending.entries().next().value as [string, z.ZodType];
    pending.delete(name);
    if (!components.has(name)) components.set(name, convert(schema, 'output'));
  }
  const tags = [...new Set(routes.filter((r) => !r.hidden).map((r) => r.tag))].sort();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Magnatronic API',
      version: options.version,
      description:
        'Drive Magnatronic over HTTP: missions, tasks, agents, messages, knowledge, live events. Every route but ' +
        '`/healthz` needs an API key or a session token (`Authorization: Bearer ...`); what a role may do is the ' +
        'permission matrix in docs/api.md. Errors are `{ "error": { "code", "message", "details" } }`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ bearer: [] }],
    tags: tags.map((name) => ({
      name,
      description: `${name[0]!.toUpperCase()}${name.slice(1)} operations.`,
    })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (`mgk.…`, from `magnatronic keys create`) or a session token from POST /auth/token.',
        },
      },
      schemas: Object.fromEntries([...components.entries()].sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
