/**
 * Plain text from a DOM subtree with paragraph breaks kept: block elements end a line, table
 * cells are joined with " | ", and script-like elements are skipped. (`textContent` would glue
 * paragraphs together and break sentence splitting.)
 */
const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TBODY',
  'THEAD',
  'TFOOT',
  'TR',
  'UL',
  'CAPTION',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'CANVAS']);

export function nodeToText(root: Node): string {
  const parts: string[] = [];
  walk(root, parts);
  return tidy(parts.join(''));
}

function walk(node: Node, parts: string[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      parts.push((child.textContent ?? '').replace(/\s+/g, ' '));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const tag = (child as Element).tagName.toUpperCase();
    if (SKIP.has(tag)) continue;
    if (tag === 'TD' || tag === 'TH') {
      walk(child, parts);
      parts.push(' | ');
      continue;
    }
    const block = BLOCK.has(tag);
    if (block) parts.push('\n');
    walk(child, parts);
    if (block) parts.push('\n');
  }
}

/** Collapses spaces, trims lines, drops trailing cell separators and keeps at most one blank line. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/[ \t\u00a0]+/g, ' ')
        .replace(/(\s*\|\s*)+$/, '')
        .trim(),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
