import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { inScope } from './access.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { validateNamespace } from './namespaces.js';
import { parsePredicate } from './predicates.js';
import type { ExchangeRecord } from './store-port.js';
import type { KbEntity, KbFact } from './types.js';

/** Format marker on the first line of an export; import refuses other formats and versions. */
export const EXPORT_HEADER = { kind: 'magnatronic-kb', version: 1 } as const;
export const MAX_IMPORT_LINES = 5_000_000;

/** JSON Lines export of everything the principal may read: a header, then one record per line. */
export async function* exportJsonLines(
  kb: KnowledgeBase,
  principal: Principal,
  namespaces?: string[],
): AsyncIterable<string> {
  const scope = await kb.scope(principal, 'reader', namespaces);
  yield JSON.stringify(EXPORT_HEADER);
  if (!scope.all && scope.prefixes.length === 0) return;
  for await (const record of kb.store.exportRecords(scope)) yield JSON.stringify(record);
}

export async function exportJsonLinesText(
  kb: KnowledgeBase,
  principal: Principal,
  namespaces?: string[],
): Promise<string> {
  const lines: string[] = [];
  for await (const line of exportJsonLines(kb, principal, namespaces)) lines.push(line);
  return `${lines.join('\n')}\n`;
}

const id = z.string().min(1);
const ms = z.number().int();
const nullableMs = ms.nullable();
const ns = z.string().min(1);
const DATA_SHAPES = {
  predicate: z.object({ name: z.string(), builtin: z.boolean() }).loose(),
  document: z.object({
    id,
    namespace: ns,
    source: z.string().min(1),
    title: z.string().nullable(),
    contentHash: z.string(),
    version: z.number().int().positive(),
    metadata: z.record(z.string(), z.unknown()),
    text: z.string(),
    createdBy: z.string(),
    createdAt: ms,
    updatedAt: ms,
  }),
  chunk: z.object({
    id,
    documentId: id,
    namespace: ns,
    version: z.number().int(),
    ordinal: z.number().int(),
    text: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    names: z.array(z.string()),
    category: z.array(z.string()),
    recordedAt: ms,
    supersededAt: nullableMs,
  }),
  entity: z.object({
    id,
    namespace: ns,
    type: z.enum(['person', 'organization', 'place', 'work', 'thing']),
    name: z.string().min(1),
    aliases: z.array(z.string()),
    mergedInto: id.nullable(),
    version: z.number().int(),
    createdAt: ms,
    updatedAt: ms,
  }),
  mention: z.object({
    chunkId: id,
    entityId: id,
    role: z.enum(['subject', 'mention']),
    count: z.number().int(),
  }),
  fact: z.object({
    id,
    namespace: ns,
    subjectId: id,
    predicate: z.string(),
    objectId: id.nullable(),
    value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
    valueType: z.string().nullable(),
    confidence: z.number().min(0).max(1),
    trust: z.number().min(0).max(1),
    status: z.enum(['active', 'disputed', 'rejected']),
    validFrom: nullableMs,
    validTo: nullableMs,
    recordedAt: ms,
    supersededAt: nullableMs,
    endReason: z.string().nullable(),
    source: z.string().nullable(),
    documentId: id.nullable(),
    chunkId: id.nullable(),
    assertedBy: z.string(),
    label: z.array(ns),
    contentHash: z.string(),
    replaces: id.nullable(),
  }),
  conflict: z.object({
    id,
    namespace: ns,
    subjectId: id,
    predicate: z.string(),
    policy: z.string(),
    resolution: z.string(),
    incomingFactId: id,
    existingFactIds: z.array(id),
    writer: z.string(),
    label: z.array(ns),
    createdAt: ms,
    resolvedAt: nullableMs,
    resolvedBy: z.string().nullable(),
  }),
  merge: z.object({
    id,
    namespace: ns,
    survivorId: id,
    mergedId: id,
    actor: z.string(),
    createdAt: ms,
    undoneAt: nullableMs,
    moved: z.record(z.string(), z.unknown()),
  }),
} as const;
const recordShape = z.object({
  kind: z.enum(['predicate', 'document', 'chunk', 'entity', 'mention', 'fact', 'conflict', 'merge']),
  data: z.record(z.string(), z.unknown()),
});

/** Namespaces a record writes into; the importer must be a writer there. */
function namespacesOf(record: ExchangeRecord): string[] {
  switch (record.kind) {
    case 'predicate':
    case 'mention':
      return [];
    case 'fact':
      return [record.data.namespace, ...record.data.label];
    case 'conflict':
      return [record.data.namespace, ...record.data.label];
    default:
      return [record.data.namespace];
  }
}

/**
 * Imports a JSON Lines export. The whole file is parsed and checked (format, record shapes,
 * namespaces, the importer's writer role on each) before anything is written, and the write is
 * one transaction: a bad file changes nothing.
 */
export async function importJsonLines(
  kb: KnowledgeBase,
  principal: Principal,
  text: string,
): Promise<Record<string, number>> {
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length > MAX_IMPORT_LINES)
    throw new MagnaError('INVALID_ARGUMENT', `An import holds at most ${MAX_IMPORT_LINES} lines.`);
  const parse = (line: string, index: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new MagnaError('INVALID_ARGUMENT', `Line ${index + 1} is not JSON.`, {
        details: { line: index + 1 },
      });
    }
  };
  const header = parse(lines[0] ?? '', 0) as { kind?: unknown; version?: unknown };
  if (header?.kind !== EXPORT_HEADER.kind || header.version !== EXPORT_HEADER.version) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Not a knowledge-base export (expected a first line ${JSON.stringify(EXPORT_HEADER)}).`,
    );
  }
  const writer = await kb.scope(principal, 'writer');
  const records: ExchangeRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const parsed = recordShape.safeParse(parse(lines[i]!, i));
    if (!parsed.success)
      throw new MagnaError('INVALID_ARGUMENT', `Line ${i + 1} is not a knowledge-base record.`, {
        details: { line: i + 1 },
      });
    const data = DATA_SHAPES[parsed.data.kind].safeParse(parsed.data.data);
    if (!data.success) {
      throw new MagnaError('INVALID_ARGUMENT', `Line ${i + 1}: malformed ${parsed.data.kind} record.`, {
        details: { line: i + 1, ...issuesToDetails(data.error.issues) },
      });
    }
    const record = parsed.data as unknown as ExchangeRecord;
    if (record.kind === 'predicate') {
      if (principal.role !== 'admin') continue; // only administrators change the registry
      parsePredicate({ ...record.data, builtin: undefined });
    }
    for (const ns of namespacesOf(record)) {
      try {
        validateNamespace(ns);
      } catch (error) {
        throw new MagnaError('KB_INVALID_NAMESPACE', `Line ${i + 1}: ${(error as Error).message}`, {
          details: { line: i + 1 },
        });
      }
      if (!inScope(writer, ns))
        throw new MagnaError(
          'KB_FORBIDDEN',
          `Line ${i + 1}: ${principal.id} may not write namespace ${ns}.`,
          { details: { line: i + 1 } },
        );
    }
    records.push(record);
  }
  return kb.store.importRecords(records, principal.id, kb.clock.now());
}

// ---- RDF N-Triples ----------------------------------------------------------------------

const BASE = 'urn:magnatronic:kb:';
const RDF_TYPE = '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>';
const RDFS_LABEL = '<http://www.w3.org/2000/01/rdf-schema#label>';
const SKOS_ALT = '<http://www.w3.org/2004/02/skos/core#altLabel>';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** N-Triples literal escaping (RDF 1.1 N-Triples §2.5: \\ \" \n \r, other controls as \\uXXXX). */
export function ntLiteral(value: string): string {
  let out = '"';
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function iri(kind: string, id: string): string {
  return `<${BASE}${kind}/${encodeURIComponent(id)}>`;
}

function typedValue(fact: KbFact): string {
  const v = fact.value;
  if (typeof v === 'number')
    return `${ntLiteral(String(v))}^^<${XSD}${Number.isInteger(v) ? 'integer' : 'double'}>`;
  if (typeof v === 'boolean') return `${ntLiteral(String(v))}^^<${XSD}boolean>`;
  if (fact.valueType === 'date' && typeof v === 'string' && /^\d{4}$/.test(v))
    return `${ntLiteral(v)}^^<${XSD}gYear>`;
  return ntLiteral(String(v));
}

/**
 * The graph as RDF N-Triples: entities with type, label and aliases, and each current, non-
 * rejected fact as one triple. Provenance and time stay in the JSON Lines export.
 */
export async function exportNTriples(
  kb: KnowledgeBase,
  principal: Principal,
  namespaces?: string[],
): Promise<string> {
  const scope = await kb.scope(principal, 'reader', namespaces);
  const lines: string[] = [];
  if (!scope.all && scope.prefixes.length === 0) return '';
  const entities = new Map<string, KbEntity>();
  const facts: KbFact[] = [];
  for await (const r of kb.store.exportRecords(scope)) {
    if (r.kind === 'entity' && !r.data.mergedInto) entities.set(r.data.id, r.data);
    if (r.kind === 'fact' && r.data.supersededAt === null && r.data.status !== 'rejected') facts.push(r.data);
  }
  for (const e of entities.values()) {
    const s = iri('entity', e.id);
    lines.push(`${s} ${RDF_TYPE} <${BASE}type/${e.type}> .`);
    lines.push(`${s} ${RDFS_LABEL} ${ntLiteral(e.name)} .`);
    for (const a of e.aliases) lines.push(`${s} ${SKOS_ALT} ${ntLiteral(a)} .`);
  }
  for (const f of facts) {
    if (!entities.has(f.subjectId)) continue;
    const object = f.objectId ? (entities.has(f.objectId) ? iri('entity', f.objectId) : null) : typedValue(f);
    if (object) lines.push(`${iri('entity', f.subjectId)} <${BASE}predicate/${f.predicate}> ${object} .`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
