import { createHash } from 'node:crypto';
import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../core/errors.js';
import { parseWhen } from './dates.js';
import { extractEntities, extractValues } from './extract/entities.js';
import { extractFacts } from './extract/facts.js';
import type { IngestLimits } from './ingest-limits.js';
import { normaliseName } from './resolution.js';
import { type ChunkingOptions, chunkText, DEFAULT_CHUNKING } from './text/chunker.js';
import { leadCategory, leadNames } from './text/phrases.js';
import { sentences } from './text/sentences.js';
import type { DocumentInput, EntityType, ValueType } from './types.js';

export { DEFAULT_LIMITS, type IngestLimits } from './ingest-limits.js';

export function documentSchema(limits: IngestLimits) {
  return z
    .object({
      source: z
        .string()
        .trim()
        .min(1, 'source is required (a URL, path or any stable id)')
        .max(limits.maxSourceChars),
      title: z.string().max(1000).optional(),
      text: z
        .string()
        .max(limits.maxDocumentChars, `text is longer than ${limits.maxDocumentChars} characters`)
        .refine((t) => t.trim().length > 0, 'text is empty'),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .strict();
}

/** Validates every document of a batch before any is written, so a bad one stores nothing. */
export function validateDocuments(input: unknown, limits: IngestLimits): DocumentInput[] {
  if (!Array.isArray(input))
    throw new MagnaError(
      'KB_INVALID_DOCUMENT',
      'documents must be an array of { source, title?, text, metadata? }.',
    );
  if (input.length > limits.maxDocumentsPerCall) {
    throw new MagnaError(
      'KB_INVALID_DOCUMENT',
      `At most ${limits.maxDocumentsPerCall} documents per call; got ${input.length}.`,
    );
  }
  const schema = documentSchema(limits);
  return input.map((doc, index) => {
    const parsed = schema.safeParse(doc);
    if (!parsed.success) {
      const details = issuesToDetails(parsed.error.issues.map((i) => ({ ...i, path: [index, ...i.path] })));
      const first = details.issues[0];
      throw new MagnaError(
        'KB_INVALID_DOCUMENT',
        `Document ${index}${sourceOf(doc)} is invalid: ${first?.path}: ${first?.message}.`,
        {
          details,
        },
      );
    }
    return parsed.data as DocumentInput;
  });
}

function sourceOf(doc: unknown): string {
  const source = (doc as { source?: unknown } | null)?.source;
  return typeof source === 'string' ? ` (${source.slice(0, 80)})` : '';
}

export function contentHash(doc: DocumentInput): string {
  return createHash('sha256')
    .update(JSON.stringify([doc.title ?? null, doc.text, doc.metadata ?? {}]))
    .digest('hex');
}

export interface PreparedChunk {
  ordinal: number;
  text: string;
  start: number;
  end: number;
  names: string[];
  category: string[];
}

export interface PreparedEntity {
  key: string;
  name: string;
  norm: string;
  type: EntityType;
  aliases: string[];
  mentions: Array<{ ordinal: number; role: 'subject' | 'mention'; count: number }>;
}

export interface PreparedFact {
  subjectKey: string;
  predicate: string;
  objectKey: string | null;
  value: string | number | null;
  valueType: ValueType | null;
  confidence: number;
  validFrom: number | null;
  ordinal: number;
}

export interface PreparedDocument {
  input: DocumentInput;
  contentHash: string;
  chunks: PreparedChunk[];
  entities: PreparedEntity[];
  facts: PreparedFact[];
}

export interface PrepareOptions {
  chunking?: ChunkingOptions;
  /** Run entity and fact extraction (default true); bulk loads may skip it for speed. */
  extract?: boolean;
  /** Predicates that exist; facts of others are not produced. */
  predicates: ReadonlySet<string>;
}

const TRIM = /^[\s"'“”‘’([{]+|[\s"'“”‘’)\]},;:!?]+$|\.$/g;

/** Turns a document into chunks, entities and facts; pure and deterministic. */
export function prepareDocument(input: DocumentInput, options: PrepareOptions): PreparedDocument {
  const chunks = chunkText(input.text, options.chunking ?? DEFAULT_CHUNKING);
  const lead = sentences(input.text.slice(0, 2000))[0] ?? '';
  const names = [...new Set([...(input.title ? [input.title.trim()] : []), ...leadNames(lead)])].filter(
    Boolean,
  );
  const category = leadCategory(lead);
  const prepared: PreparedDocument = {
    input,
    contentHash: contentHash(input),
    chunks: chunks.map((c) => ({ ...c, names, category })),
    entities: [],
    facts: [],
  };
  if (options.extract === false) return prepared;

  const entities = new Map<string, PreparedEntity>();
  const entityFor = (rawName: string, type: EntityType | undefined): PreparedEntity | null => {
    const name = rawName.replace(TRIM, '').replace(/\s+/g, ' ').trim();
    const norm = normaliseName(name);
    if (norm.length < 2) return null;
    let e = entities.get(norm);
    if (!e) {
      e = { key: norm, name, norm, type: type ?? 'thing', aliases: [], mentions: [] };
      entities.set(norm, e);
    } else if (e.type === 'thing' && type && type !== 'thing') {
      e.type = type;
    }
    return e;
  };
  const mention = (e: PreparedEntity, ordinal: number, role: 'subject' | 'mention', count = 1) => {
    const m = e.mentions.find((x) => x.ordinal === ordinal);
    if (m) {
      m.count += count;
      if (role === 'subject') m.role = 'subject';
    } else e.mentions.push({ ordinal, role, count });
  };

  const typed = new Map<string, EntityType>();
  for (const chunk of chunks) {
    for (const found of extractEntities(chunk.text)) {
      for (const part of found.type === 'place' ? found.name.split(/,\s*/) : [found.name]) {
        const e = entityFor(part, found.type);
        if (!e) continue;
        typed.set(e.norm, e.type);
        mention(e, chunk.ordinal, 'mention', found.count);
      }
    }
  }
  let subject: PreparedEntity | null = null;
  if (names[0]) {
    const norm = normaliseName(names[0]);
    subject = entityFor(names[0], typed.get(norm) ?? (/^["“]/.test(lead.trim()) ? 'work' : undefined));
    if (subject) {
      for (const alias of names.slice(1))
        if (normaliseName(alias) !== subject.norm && !subject.aliases.includes(alias))
          subject.aliases.push(alias);
      for (const chunk of chunks) mention(subject, chunk.ordinal, 'subject', 0);
    }
  }

  const seenSentences = new Set<string>();
  const factKeys = new Set<string>();
  for (const chunk of chunks) {
    const valueKinds = new Set(extractValues(chunk.text).map((v) => v.text));
    for (const sentence of sentences(chunk.text)) {
      if (seenSentences.has(sentence)) continue; // overlap repeats sentences across chunks
      seenSentences.add(sentence);
      const found = extractFacts(sentence, subject ? { name: subject.name, type: subject.type } : null);
      for (const f of found) {
        if (!options.predicates.has(f.predicate)) continue;
        const s = entityFor(f.subject.name, typed.get(normaliseName(f.subject.name)) ?? f.subject.type);
        if (!s) continue;
        mention(s, chunk.ordinal, 'mention', 0);
        let objectKey: string | null = null;
        if (f.object) {
          const o = entityFor(f.object.name, typed.get(normaliseName(f.object.name)) ?? f.object.type);
          if (!o || o === s) continue;
          mention(o, chunk.ordinal, 'mention', 0);
          objectKey = o.key;
        }
        // A value wink-nlp also recognises as a date or quantity is more likely read right.
        const corroborated = typeof f.value === 'string' && valueKinds.has(f.value);
        const fact: PreparedFact = {
          subjectKey: s.key,
          predicate: f.predicate,
          objectKey,
          value: f.value ?? null,
          valueType: f.valueType ?? null,
          confidence: Math.min(1, Math.round((f.confidence + (corroborated ? 0.05 : 0)) * 100) / 100),
          validFrom: f.validFrom ? parseWhen(f.validFrom) : null,
          ordinal: chunk.ordinal,
        };
        const key = JSON.stringify([
          fact.subjectKey,
          fact.predicate,
          fact.objectKey,
          fact.value,
          fact.validFrom,
        ]);
        if (factKeys.has(key)) continue;
        factKeys.add(key);
        prepared.facts.push(fact);
      }
    }
  }
  prepared.entities = [...entities.values()].filter((e) => e.mentions.length > 0);
  return prepared;
}
