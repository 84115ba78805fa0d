import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeTableMarkdown } from '../../src/api/route-table.js';
import { allRoutes } from '../../src/api/server.js';
import { permissionMatrixMarkdown } from '../../src/security/permissions.js';

function section(text: string, name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return match?.[1] ?? '';
}

describe('docs/api.md', () => {
  const doc = readFileSync('docs/api.md', 'utf8');
  it('shows the permission matrix the routes enforce', () => {
    expect(section(doc, 'permission-matrix')).toBe(permissionMatrixMarkdown());
  });
  it('lists every route with its permission', () => {
    expect(section(doc, 'route-table')).toBe(routeTableMarkdown(allRoutes()));
  });
});
