// Regenerates the reference docs that are derived from code: `npx tsx scripts/gen-docs.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { routeTableMarkdown } from '../src/api/route-table.js';
import { allRoutes } from '../src/api/server.js';
import { configurationMarkdown, errorsMarkdown } from '../src/core/reference-docs.js';
import { permissionMatrixMarkdown } from '../src/security/permissions.js';

writeFileSync('docs/errors.md', errorsMarkdown());
writeFileSync('docs/configuration.md', configurationMarkdown());

/** Replaces the generated sections of docs/api.md, keeping the prose around them. */
function replaceSection(text: string, name: string, content: string): string {
  const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`);
  if (!pattern.test(text)) throw new Error(`docs/api.md has no ${name} section`);
  return text.replace(pattern, (_m, start: string, end: string) => `${start}${content}${end}`);
}
let api = readFileSync('docs/api.md', 'utf8');
api = replaceSection(api, 'permission-matrix', permissionMatrixMarkdown());
api = replaceSection(api, 'route-table', routeTableMarkdown(allRoutes()));
writeFileSync('docs/api.md', api);
console.log('wrote docs/errors.md, docs/configuration.md and the generated sections of docs/api.md');
