/** An FTS5 MATCH expression that ORs the given terms, each quoted so no term is read as syntax. */
export function ftsAny(terms: readonly string[], column?: string): string | null {
  const unique = [...new Set(terms.map((t) => t.replace(/"/g, '')).filter(Boolean))];
  if (unique.length === 0) return null;
  const body = unique.map((t) => `"${t}"`).join(' OR ');
  return column ? `${column} : (${body})` : body;
}
