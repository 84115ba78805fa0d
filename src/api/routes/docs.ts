import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { defineRoute } from '../route.js';

/**
 * Browsable API docs: Swagger UI served from the installed swagger-ui-dist package (nothing is
 * fetched from the internet), reading /openapi.json. No inline script, so the default
 * Content-Security-Policy of helmet holds. Browsers authenticate with HTTP Basic (any user name,
 * the API key as password), which these read-only routes accept.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
};
const INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`;
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Magnatronic API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>
`;

const cache = new Map<string, Buffer>();
async function asset(name: string): Promise<Buffer> {
  let content = cache.get(name);
  if (!content) {
    const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    content = await readFile(join(root, ASSETS[name]!.file));
    cache.set(name, content);
  }
  return content;
}

export function docsRoutes(document: () => Record<string, unknown>) {
  return [
    defineRoute({
      method: 'GET',
      url: '/openapi.json',
      operationId: 'docs.openapi',
      summary: 'This OpenAPI 3.1 document',
      tag: 'system',
      permission: 'system:read',
      basicAuth: true,
      response: { status: 200, description: 'The document.', schema: z.record(z.string(), z.unknown()) },
      handler: async () => document(),
    }),
    defineRoute({
      method: 'GET',
      url: '/docs',
      operationId: 'docs.page',
      summary: 'Browsable API documentation',
      tag: 'system',
      permission: 'system:read',
      basicAuth: true,
      hidden: true,
      response: { status: 200, description: 'HTML page.', contentType: 'text/html; charset=utf-8' },
      handler: async () => PAGE,
    }),
    defineRoute({
      method: 'GET',
      url: '/docs/:asset',
      operationId: 'docs.asset',
      summary: 'Docs page assets',
      tag: 'system',
      permission: 'system:read',
      basicAuth: true,
      hidden: true,
      params: z.strictObject({ asset: z.string().max(100) }),
      response: {
        status: 200,
        description: 'Script or stylesheet.',
        contentType: 'application/octet-stream',
      },
      handler: async ({ params, reply }) => {
        if (params.asset === 'init.js') return reply.type('text/javascript; charset=utf-8').send(INIT_JS);
        const known = Object.hasOwn(ASSETS, params.asset) ? ASSETS[params.asset] : undefined;
        if (!known) throw new MagnaError('NOT_FOUND', `No docs asset ${params.asset}.`);
        reply.header('cache-control', 'public, max-age=86400');
        return reply.type(known.type).send(await asset(params.asset));
      },
    }),
  ];
}
