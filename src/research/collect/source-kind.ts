export type SourceKind = 'web' | 'local' | 'unsupported';

/** http(s) URLs are crawled; file: URLs and plain paths are read; other schemes are refused. */
export function sourceKind(source: string): SourceKind {
  const trimmed = source.trim();
  if (/^https?:\/\//i.test(trimmed)) return 'web';
  if (/^file:/i.test(trimmed) || !/^[a-z][\w+.-]*:\/\//i.test(trimmed)) return 'local';
  return 'unsupported';
}
