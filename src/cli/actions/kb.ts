import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { corpusDocuments } from '../../agents/knowledge/corpus.js';
import { MagnaError } from '../../core/errors.js';
import { type Principal, SYSTEM_PRINCIPAL, SYSTEM_ROLES, type SystemRole } from '../../core/principal.js';
import { KB_ROLES, MAINTENANCE_TASKS, type MaintenanceTask } from '../../knowledge/index.js';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { DocumentInput, KbFact, KbRole, SearchHit } from '../../knowledge/types.js';
import { type GlobalOptions, output, parseIntOption, withNewOrExistingSystem, withSystem } from '../io.js';
import { askText } from './ask-text.js';

interface KbOptions extends GlobalOptions {
  as?: string;
  role?: string;
  namespace?: string[];
}

/** The CLI acts as the system unless --as names another principal (to see what it may see). */
function principalOf(opts: KbOptions): Principal {
  if (!opts.as) return SYSTEM_PRINCIPAL;
  const role = (opts.role ?? 'viewer') as SystemRole;
  if (!SYSTEM_ROLES.includes(role))
    throw new MagnaError('INVALID_ARGUMENT', `--role must be one of ${SYSTEM_ROLES.join(', ')}.`);
  return { id: opts.as, role };
}

function kbOf(system: { knowledge?: KnowledgeBase }): KnowledgeBase {
  if (!system.knowledge) throw new MagnaError('UNAVAILABLE', 'No knowledge base is configured.');
  return system.knowledge;
}

export async function search(words: string[], _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions & { mode: 'hybrid' | 'keyword'; limit: string }>();
  await withSystem(opts, async (system) => {
    const hits = await kbOf(system).search(principalOf(opts), words.join(' '), {
      mode: opts.mode,
      limit: parseIntOption('limit', opts.limit, { min: 1 }),
      ...(opts.namespace ? { namespaces: opts.namespace } : {}),
    });
    output(opts, hits, () => (hits.length === 0 ? 'no matches' : hits.map(hitLine).join('\n\n')));
  });
}

export async function ask(words: string[], _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions>();
  await withSystem(opts, async (system) => {
    const answer = await kbOf(system).answer(
      principalOf(opts),
      words.join(' '),
      opts.namespace ? { namespaces: opts.namespace } : {},
    );
    output(opts, answer, () => askText(answer));
  });
}

export async function entity(name: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions & { hops?: string }>();
  await withSystem(opts, async (system) => {
    const base = kbOf(system);
    const principal = principalOf(opts);
    const ns = opts.namespace?.[0];
    const view = await base.entity(principal, name, ns);
    if (!view) throw new MagnaError('NOT_FOUND', `No entity "${name}" that you may read.`);
    const names = await entityNames(base, principal, view.facts);
    const graph = opts.hops
      ? await base.neighbourhood(principal, view.entity.id, {
          hops: parseIntOption('hops', opts.hops, { min: 0 }),
          ...(ns ? { namespace: ns } : {}),
        })
      : null;
    output(opts, { ...view, ...(graph ? { neighbourhood: graph } : {}) }, () => {
      const e = view.entity;
      const lines = [`${e.name} (${e.type}, ${e.namespace}, ${e.id})`];
      if (e.aliases.length > 0) lines.push(`aliases: ${e.aliases.join(', ')}`);
      for (const f of view.facts) lines.push(`  ${factLine(f, names)}`);
      if (graph)
        lines.push(
          `neighbourhood (${graph.nodes.length} entities): ${graph.nodes
            .filter((n) => n.depth > 0)
            .map((n) => `${n.name} [${n.depth}]`)
            .join(', ')}`,
        );
      return lines.join('\n');
    });
  });
}

export async function facts(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    KbOptions & {
      subject?: string;
      predicate?: string;
      object?: string;
      asOf?: string;
      validAt?: string;
      limit: string;
    }
  >();
  await withSystem(opts, async (system) => {
    const time = (v: string | undefined) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v);
    const asOf = time(opts.asOf);
    const validAt = time(opts.validAt);
    const facts = await kbOf(system).facts(principalOf(opts), {
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.predicate ? { predicate: opts.predicate } : {}),
      ...(opts.object ? { object: opts.object } : {}),
      ...(asOf === undefined ? {} : { asOf }),
      ...(validAt === undefined ? {} : { validAt }),
      ...(opts.namespace?.[0] ? { namespace: opts.namespace[0] } : {}),
      limit: parseIntOption('limit', opts.limit, { min: 1 }),
    });
    const names = await entityNames(kbOf(system), principalOf(opts), facts);
    output(opts, facts, () =>
      facts.length === 0 ? 'no facts' : facts.map((f) => factLine(f, names)).join('\n'),
    );
  });
}

export async function ingest(paths: string[], _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions & { extract: boolean }>();
  const documents: DocumentInput[] = [];
  for (const path of paths) documents.push(...(await readDocuments(path)));
  await withNewOrExistingSystem(opts, async (system) => {
    const result = await kbOf(system).ingest(principalOf(opts), {
      ...(opts.namespace?.[0] ? { namespace: opts.namespace[0] } : {}),
      documents,
      extract: opts.extract,
    });
    output(opts, result, () => {
      const c = result.counts;
      const lines = [
        `${c.documents} ${c.documents === 1 ? 'document' : 'documents'} into ${result.namespace}: ${c.created} new, ${c.revised} revised, ${c.unchanged} unchanged; ${c.chunks} chunks, ${c.entities} entities, ${c.facts} facts`,
      ];
      for (const k of result.conflicts)
        lines.push(`conflict ${k.id}: ${k.predicate} of ${k.subjectId} (${k.policy} → ${k.resolution})`);
      return lines.join('\n');
    });
  });
}

export async function exportKb(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions & { format: 'jsonl' | 'ntriples'; out?: string }>();
  await withSystem(opts, async (system) => {
    const base = kbOf(system);
    const principal = principalOf(opts);
    const text =
      opts.format === 'ntriples'
        ? await base.exportNTriples(principal, opts.namespace)
        : await base.exportJsonLinesText(principal, opts.namespace);
    if (opts.out) {
      await writeFile(opts.out, text);
      const lines = text.split('\n').filter(Boolean).length;
      output(
        opts,
        { file: opts.out, format: opts.format, lines },
        () => `${lines} lines written to ${opts.out}`,
      );
    } else {
      process.stdout.write(text);
    }
  });
}

export async function importKb(file: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions>();
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new MagnaError('NOT_FOUND', `Cannot read ${file}: ${(cause as Error).message}`, { cause });
  });
  await withNewOrExistingSystem(opts, async (system) => {
    const counts = await kbOf(system).importJsonLines(principalOf(opts), text);
    output(opts, counts, () =>
      Object.entries(counts)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
    );
  });
}

export async function check(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    KbOptions & { duplicates?: boolean; merge?: boolean; expire?: boolean; compact?: boolean }
  >();
  const tasks: MaintenanceTask[] = MAINTENANCE_TASKS.filter((t) =>
    t === 'integrity'
      ? true
      : t === 'duplicates'
        ? opts.duplicates
        : t === 'expire'
          ? opts.expire
          : opts.compact,
  );
  await withSystem(opts, async (system) => {
    const report = await kbOf(system).maintain(principalOf(opts), {
      tasks,
      ...(opts.merge ? { merge: true } : {}),
      ...(opts.namespace ? { namespaces: opts.namespace } : {}),
    });
    output(opts, report, () => {
      const lines: string[] = [];
      if (report.integrity) {
        lines.push(`integrity: ${report.integrity.ok ? 'ok' : 'PROBLEMS'}`);
        for (const c of report.integrity.checks)
          if (c.problems > 0) lines.push(`  ${c.name}: ${c.problems} (e.g. ${c.examples.join(', ')})`);
      }
      for (const d of report.duplicates ?? [])
        lines.push(
          `duplicate: ${d.duplicate} → ${d.survivor} (${d.score})${d.mergeId ? ` merged ${d.mergeId}` : ''}`,
        );
      if (report.expired) lines.push(`expired: ${JSON.stringify(report.expired)}`);
      if (report.compacted)
        lines.push(`compacted: ${report.compacted.chunks} chunks, ${report.compacted.facts} facts`);
      if (!report.integrity?.ok) process.exitCode = 1;
      return lines.join('\n');
    });
  });
}

export async function grant(
  who: string,
  namespace: string,
  role: string,
  _o: unknown,
  command: Command,
): Promise<void> {
  const opts = command.optsWithGlobals<KbOptions>();
  if (!KB_ROLES.includes(role as KbRole))
    throw new MagnaError('INVALID_ARGUMENT', `role must be one of ${KB_ROLES.join(', ')}.`);
  await withSystem(opts, async (system) => {
    const grant = await kbOf(system).grant(principalOf(opts), {
      principalId: who,
      namespace,
      role: role as KbRole,
    });
    output(opts, grant, () => `${who} is ${role} of ${namespace}`);
  });
}

async function readDocuments(path: string): Promise<DocumentInput[]> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new MagnaError('NOT_FOUND', `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  });
  if (!info.isFile()) throw new MagnaError('INVALID_ARGUMENT', `${path} is not a file.`);
  if (extname(path).toLowerCase() === '.json') {
    const text = await readFile(path, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new MagnaError('KB_INVALID_DOCUMENT', `${path} is not valid JSON.`, { cause });
    }
    if (Array.isArray(json)) return json as DocumentInput[];
    if (json && typeof json === 'object' && 'sources' in json) return corpusDocuments(text, path).documents;
    throw new MagnaError(
      'KB_INVALID_DOCUMENT',
      `${path}: expected an array of documents or a corpus with "sources".`,
    );
  }
  return [{ source: path, title: basename(path, extname(path)), text: await readFile(path, 'utf8') }];
}

function hitLine(hit: SearchHit): string {
  const text = hit.text.length > 300 ? `${hit.text.slice(0, 297)}...` : hit.text;
  return `${hit.score}  ${hit.title ?? hit.source}  (${hit.namespace}, ${hit.chunkId})\n  ${text.replace(/\s+/g, ' ')}`;
}

/** Entity names for the ids facts refer to, for human-readable lines. */
async function entityNames(
  kb: KnowledgeBase,
  principal: Principal,
  facts: KbFact[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(facts.flatMap((f) => [f.subjectId, ...(f.objectId ? [f.objectId] : [])]))) {
    const view = await kb.entity(principal, id);
    if (view) names.set(id, view.entity.name);
  }
  return names;
}

function factLine(f: KbFact, names: Map<string, string>): string {
  const object = f.objectId ? (names.get(f.objectId) ?? f.objectId) : JSON.stringify(f.value);
  const when = f.validFrom || f.validTo ? ` valid ${iso(f.validFrom)}..${iso(f.validTo)}` : '';
  return `${names.get(f.subjectId) ?? f.subjectId} ${f.predicate} ${object} [${f.status}, confidence ${f.confidence}${when}] ${f.id}`;
}

function iso(t: number | null): string {
  return t === null ? '' : new Date(t).toISOString().slice(0, 10);
}
