import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import {
  allows,
  authorize,
  namespaceAllowed,
  PERMISSIONS,
  permissionMatrixMarkdown,
  requireNamespace,
} from '../../src/security/permissions.js';

const caught = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error('did not throw');
};

describe('permissions', () => {
  it('authorize passes an allowed role and refuses another with FORBIDDEN naming both', () => {
    expect(() => authorize({ id: 'key:a', role: 'operator' }, 'tasks:manage')).not.toThrow();
    const error = caught(() => authorize({ id: 'key:v', role: 'viewer' }, 'tasks:manage'));
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Role viewer may not tasks:manage.',
      details: { role: 'viewer', permission: 'tasks:manage' },
    });
    expect(allows('admin', 'audit:read')).toBe(true);
    expect(allows('operator', 'audit:read')).toBe(false);
  });

  it('a key without a namespace limit reaches every namespace; a limited one any of its prefixes', () => {
    const unlimited: Principal = { id: 'key:u', role: 'analyst' };
    expect(namespaceAllowed(unlimited, 'anything/at/all')).toBe(true);
    expect(() => requireNamespace(unlimited, 'anything')).not.toThrow();
    const limited: Principal = { id: 'key:l', role: 'analyst', namespaces: ['acme/team-a', 'globex'] };
    // Any one prefix suffices (not all of them).
    expect(namespaceAllowed(limited, 'globex/q3')).toBe(true);
    expect(namespaceAllowed(limited, 'acme/team-a')).toBe(true);
    expect(namespaceAllowed(limited, 'initech')).toBe(false);
    expect(() => requireNamespace(limited, 'globex')).not.toThrow();
    const error = caught(() => requireNamespace(limited, 'initech'));
    expect(error).toMatchObject({
      code: 'KB_FORBIDDEN',
      message: 'This key may not access namespace initech.',
      details: { namespace: 'initech', allowed: ['acme/team-a', 'globex'] },
    });
    const none: Principal = { id: 'key:n', role: 'analyst', namespaces: [] };
    expect(namespaceAllowed(none, 'acme')).toBe(false);
  });

  it('prints the matrix as a Markdown table, one row per permission with a tick per role', () => {
    const lines = permissionMatrixMarkdown().split('\n');
    expect(lines[0]).toBe('| permission | admin | operator | analyst | agent | viewer | what it allows |');
    expect(lines[1]).toBe('|---|:-:|:-:|:-:|:-:|:-:|---|');
    expect(lines).toHaveLength(2 + Object.keys(PERMISSIONS).length);
    expect(lines).toContain('| `audit:read` | ✓ |   |   |   |   | Read and verify the audit log. |');
    expect(lines).toContain('| `tasks:create` | ✓ | ✓ |   | ✓ |   | Enqueue a task directly. |');
  });
});
