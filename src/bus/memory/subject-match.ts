/**
 * NATS subject matching: tokens separated by `.`, `*` matches exactly one token, `>` (last token
 * only) matches one or more. Patterns are pre-split once at subscribe time.
 */
export function matchSubject(patternTokens: readonly string[], subject: string): boolean {
  const tokens = subject.split('.');
  const n = patternTokens.length;
  for (let i = 0; i < n; i++) {
    const p = patternTokens[i];
    if (p === '>') return tokens.length > i;
    if (i >= tokens.length) return false;
    if (p !== '*' && p !== tokens[i]) return false;
  }
  return tokens.length === n;
}
