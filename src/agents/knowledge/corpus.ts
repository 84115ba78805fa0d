import { z } from 'zod';
import { issuesToDetails, MagnaError } from '../../core/errors.js';
import type { DocumentInput } from '../../knowledge/types.js';

/** The research agent's corpus file: one entry per fetched source. */
const corpusSchema = z.object({
  sources: z.array(
    z.object({
      id: z.string(),
      url: z.string(),
      title: z.string().nullable().optional(),
      text: z.string().nullable().optional(),
      fetchedAt: z.union([z.string(), z.number()]).nullable().optional(),
      contentHash: z.string().nullable().optional(),
      status: z.string(),
    }),
  ),
});

/** Turns the text of a corpus file into documents, one per `ok` source (source = URL). */
export function corpusDocuments(raw: string, path: string): { documents: DocumentInput[]; skipped: number } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new MagnaError('KB_INVALID_DOCUMENT', `Corpus ${path} is not JSON.`, { cause });
  }
  const parsed = corpusSchema.safeParse(json);
  if (!parsed.success) {
    throw new MagnaError(
      'KB_INVALID_DOCUMENT',
      `Corpus ${path} is not of the shape { sources: [{ id, url, title, text, status }] }.`,
      {
        details: issuesToDetails(parsed.error.issues),
      },
    );
  }
  const documents: DocumentInput[] = [];
  let skipped = 0;
  for (const s of parsed.data.sources) {
    if (s.status !== 'ok' || !s.text || s.text.trim().length === 0) {
      skipped++;
      continue;
    }
    documents.push({
      source: s.url,
      ...(s.title ? { title: s.title } : {}),
      text: s.text,
      metadata: {
        sourceId: s.id,
        ...(s.fetchedAt === undefined || s.fetchedAt === null ? {} : { fetchedAt: s.fetchedAt }),
        ...(s.contentHash ? { contentHash: s.contentHash } : {}),
      },
    });
  }
  return { documents, skipped };
}

/** The first `corpusPath` among upstream outputs (plan step key order). */
export function corpusPathFromUpstream(upstream: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(upstream).sort()) {
    const value = upstream[key] as { corpusPath?: unknown } | null | undefined;
    if (value && typeof value === 'object' && typeof value.corpusPath === 'string') return value.corpusPath;
  }
  return undefined;
}
