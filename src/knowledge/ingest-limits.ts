/** Limits on what one ingest call accepts; apart from ingest.ts so the knowledge base can read them
 * without loading the extraction stack (compromise and wink take about 0.5 s to import). */
export interface IngestLimits {
  /** Longest accepted document text in characters (5 MB of text is a 1,500-page book). */
  maxDocumentChars: number;
  maxSourceChars: number;
  maxDocumentsPerCall: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxDocumentChars: 5_000_000,
  maxSourceChars: 2048,
  maxDocumentsPerCall: 10_000,
};
