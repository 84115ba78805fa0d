import { PERMISSIONS } from '../security/permissions.js';
import type { RouteDef } from './route.js';

/** The routes as a Markdown table for docs/api.md (a test keeps the document equal to this). */
export function routeTableMarkdown(routes: readonly RouteDef[]): string {
  const rows = routes
    .filter((r) => !r.hidden)
    .map((r) => {
      const path = r.openapiPath ?? r.url.replace(/:(\w+)/g, '{$1}');
      const who = r.permission
        ? `\`${r.permission}\` (${PERMISSIONS[r.permission].roles.join(', ')})`
        : 'public';
      return `| ${r.websocket ? 'GET (WebSocket)' : r.method} | \`${path}\` | ${r.summary} | ${who} |`;
    });
  return ['| method | path | what | permission (roles) |', '|---|---|---|---|', ...rows].join('\n');
}
