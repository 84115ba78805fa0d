import { MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { validateNamespace } from './namespaces.js';
import { likelyDuplicates } from './resolution.js';
import type { IntegrityReport } from './store-port.js';

export const MAINTENANCE_TASKS = ['duplicates', 'expire', 'integrity', 'compact'] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];

export interface MaintenanceOptions {
  tasks?: MaintenanceTask[];
  /** Namespaces whose duplicate entities are examined (default: every namespace in scope). */
  namespaces?: string[];
  /** Merge the duplicates found (default false: report only). */
  merge?: boolean;
  /** Compaction removes superseded records older than this (default 30 days). */
  retainMs?: number;
}

export interface MaintenanceReport {
  duplicates?: Array<{
    namespace: string;
    survivorId: string;
    survivor: string;
    duplicateId: string;
    duplicate: string;
    score: number;
    mergeId?: string;
  }>;
  expired?: Record<string, number>;
  integrity?: IntegrityReport;
  compacted?: { chunks: number; facts: number };
}

/** Entities compared per namespace for duplicates: 5,000 with blocking by first letters. */
const DUPLICATE_SCAN = 5000;

/**
 * Curator maintenance. Duplicates and expiry touch only the caller's namespaces; the integrity
 * check and compaction see the whole store, so they need a system administrator.
 */
export async function maintain(
  kb: KnowledgeBase,
  principal: Principal,
  options: MaintenanceOptions = {},
): Promise<MaintenanceReport> {
  const tasks = options.tasks ?? ['duplicates', 'expire', 'integrity'];
  const report: MaintenanceReport = {};
  const now = kb.clock.now();
  const curator = await kb.scope(principal, 'curator', options.namespaces);
  if (!curator.all && curator.prefixes.length === 0)
    throw new MagnaError('KB_FORBIDDEN', `${principal.id} curates no namespace.`);
  const global = tasks.includes('integrity') || tasks.includes('compact') || tasks.includes('expire');
  if (global && !curator.all)
    throw new MagnaError(
      'KB_FORBIDDEN',
      'Integrity checks, expiry and compaction span every namespace: run them as an administrator.',
    );
  if (tasks.includes('duplicates')) {
    report.duplicates = [];
    const namespaces = options.namespaces ?? (await namespacesIn(kb, principal));
    for (const ns of namespaces) {
      validateNamespace(ns);
      const entities = await kb.store.entityCandidates(curator, ns, DUPLICATE_SCAN);
      const taken = new Set<string>();
      for (let i = 0; i < entities.length; i++) {
        const a = entities[i]!;
        if (taken.has(a.id)) continue;
        // Candidates are sorted by block (first two letters), so compare within the block only.
        for (
          let j = i + 1;
          j < entities.length && entities[j]!.norm.slice(0, 2) === a.norm.slice(0, 2);
          j++
        ) {
          const b = entities[j]!;
          if (taken.has(b.id)) continue;
          const score = likelyDuplicates(a, b);
          if (score === 0) continue;
          taken.add(b.id);
          const entry: NonNullable<MaintenanceReport['duplicates']>[number] = {
            namespace: ns,
            survivorId: a.id,
            survivor: a.name,
            duplicateId: b.id,
            duplicate: b.name,
            score: Math.round(score * 1000) / 1000,
          };
          if (options.merge) entry.mergeId = (await kb.merge(principal, a.id, b.id)).id;
          report.duplicates.push(entry);
        }
      }
    }
  }
  if (tasks.includes('expire')) {
    report.expired = {};
    for (const p of await kb.predicates()) {
      if (p.ttlMs === null) continue;
      const n = await kb.store.expireFacts(p.name, now - p.ttlMs, principal.id, now);
      if (n > 0) report.expired[p.name] = n;
    }
  }
  if (tasks.includes('integrity')) report.integrity = await kb.store.integrity();
  if (tasks.includes('compact'))
    report.compacted = await kb.store.compact(
      now - (options.retainMs ?? 30 * 24 * 3600_000),
      principal.id,
      now,
    );
  return report;
}

async function namespacesIn(kb: KnowledgeBase, principal: Principal): Promise<string[]> {
  return kb.store.namespaces(await kb.scope(principal, 'curator'));
}
