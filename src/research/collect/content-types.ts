/** What the collector can read, by media type and by file extension. */
export type DocumentKind = 'html' | 'text' | 'markdown' | 'csv' | 'json' | 'feed' | 'sitemap' | 'xml';

const BY_MEDIA_TYPE: Record<string, DocumentKind> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/json': 'json',
  'application/rss+xml': 'feed',
  'application/atom+xml': 'feed',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

const BY_EXTENSION: Record<string, DocumentKind> = {
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.csv': 'csv',
  '.json': 'json',
  '.rss': 'feed',
  '.atom': 'feed',
  '.xml': 'xml',
};

export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function kindOfMediaType(contentType: string | null | undefined): DocumentKind | undefined {
  const type = mediaType(contentType);
  if (BY_MEDIA_TYPE[type]) return BY_MEDIA_TYPE[type];
  if (type.endsWith('+json')) return 'json';
  if (type.endsWith('+xml')) return 'xml';
  return undefined;
}

export function kindOfExtension(pathOrUrl: string): DocumentKind | undefined {
  const match = /(\.[a-z0-9]+)$/i.exec(pathOrUrl.split(/[?#]/)[0] ?? '');
  return match ? BY_EXTENSION[match[1]!.toLowerCase()] : undefined;
}

/** Refines a generic XML type by its root element: a sitemap, a feed, or other XML. */
export function kindOfXml(text: string): DocumentKind {
  const head = text.slice(0, 2048);
  if (/<(urlset|sitemapindex)[\s>]/i.test(head)) return 'sitemap';
  if (/<(rss|feed|rdf:RDF)[\s>]/i.test(head)) return 'feed';
  return 'xml';
}

/** NUL bytes in the first 1 KiB mark binary content whatever the server claims. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 1024);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}
