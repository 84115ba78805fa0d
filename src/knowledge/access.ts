import { MagnaError } from '../core/errors.js';
import type { Principal, SystemRole } from '../core/principal.js';
import { isWithin } from './namespaces.js';
import type { KbGrant, KbRole } from './types.js';

export const KB_ROLES: readonly KbRole[] = ['reader', 'writer', 'curator', 'admin'];
const RANK: Record<KbRole, number> = { reader: 1, writer: 2, curator: 3, admin: 4 };

/** What each role may do, for docs and `--help`. */
export const ROLE_ABILITIES: Record<KbRole, string> = {
  reader: 'search, ask, read documents, entities and facts, export',
  writer: 'reader + ingest documents, assert and retract facts, import',
  curator: 'writer + merge and unmerge entities, resolve conflicts, run maintenance',
  admin: 'curator + grant and revoke roles on the namespace and below',
};

export function roleAtLeast(role: KbRole, needed: KbRole): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * Which namespaces a principal may touch at a given role: `all` (system administrators and the
 * default roles below), or a list of namespace prefixes. Every query of the knowledge base is
 * filtered by such a scope inside the store, so nothing outside it can be returned.
 */
export type Scope = { all: true } | { all: false; prefixes: string[] };

export interface AccessPolicy {
  /** Role every namespace grants to a system role without an explicit grant. */
  defaultRoles: Partial<Record<SystemRole, KbRole>>;
}

/**
 * System administrators administer every namespace; platform agents (trusted code the operator
 * runs) write everywhere. Operators, analysts and viewers start with nothing and need grants.
 */
export const DEFAULT_ACCESS_POLICY: AccessPolicy = { defaultRoles: { admin: 'admin', agent: 'writer' } };

export function scopeFor(
  principal: Principal,
  grants: readonly KbGrant[],
  needed: KbRole,
  policy: AccessPolicy,
): Scope {
  const implicit = policy.defaultRoles[principal.role];
  let prefixes: string[];
  if (implicit && roleAtLeast(implicit, needed)) {
    if (!principal.namespaces) return { all: true };
    prefixes = [...principal.namespaces];
  } else {
    prefixes = grants
      .filter((g) => g.principalId === principal.id && roleAtLeast(g.role, needed))
      .map((g) => g.namespace);
    if (principal.namespaces) {
      // A principal limited to some namespaces keeps only the part of each grant inside them.
      const limits = principal.namespaces;
      prefixes = prefixes.flatMap((p) =>
        limits.flatMap((limit) => (isWithin(p, limit) ? [p] : isWithin(limit, p) ? [limit] : [])),
      );
    }
  }
  return { all: false, prefixes: minimalPrefixes(prefixes) };
}

function minimalPrefixes(prefixes: string[]): string[] {
  const sorted = [...new Set(prefixes)].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && isWithin(p, q)));
}

export function inScope(scope: Scope, namespace: string): boolean {
  return scope.all || scope.prefixes.some((p) => isWithin(namespace, p));
}

/** Narrows a scope to the namespaces a caller asked for (never widens it). */
export function narrowScope(scope: Scope, requested: readonly string[] | undefined): Scope {
  if (!requested || requested.length === 0) return scope;
  if (scope.all) return { all: false, prefixes: minimalPrefixes([...requested]) };
  const kept = requested.flatMap((r) =>
    scope.prefixes.flatMap((p) => (isWithin(r, p) ? [r] : isWithin(p, r) ? [p] : [])),
  );
  return { all: false, prefixes: minimalPrefixes(kept) };
}

export function requireIn(scope: Scope, namespace: string, principal: Principal, needed: KbRole): void {
  if (!inScope(scope, namespace)) {
    throw new MagnaError(
      'KB_FORBIDDEN',
      `${principal.id} may not ${needed === 'reader' ? 'read' : `act as ${needed} in`} namespace ${namespace}.`,
      {
        details: { principal: principal.id, namespace, needed },
      },
    );
  }
}
