import { citationNumbers, knowledgeDocumentOf, knowledgeNote, type ReportLayout } from './layout.js';
import type { ReportChart, ReportClaim } from './types.js';

/**
 * The HTML report: one self-contained file (inline CSS and SVG charts, no scripts, no external
 * resources), so it opens in a browser as it is and renders the same offline.
 */
const STYLE = `
:root{color-scheme:light}
body{font:16px/1.55 Georgia,'Times New Roman',serif;color:#1f2937;max-width:52rem;margin:2.5rem auto;padding:0 1.25rem;background:#fff}
h1{font:700 1.9rem/1.2 Helvetica,Arial,sans-serif;margin:0 0 .4rem}
h2{font:700 1.3rem/1.3 Helvetica,Arial,sans-serif;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid #e5e7eb}
h3{font:700 1.05rem/1.3 Helvetica,Arial,sans-serif;margin:1.6rem 0 .4rem}
.meta{color:#6b7280;font-style:italic}
a{color:#1d4ed8}
sup.cite a{text-decoration:none;font:600 .75rem Helvetica,Arial,sans-serif}
figure{margin:1rem 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{color:#4b5563;font-size:.9rem}
table{border-collapse:collapse;margin:.6rem 0;font:.9rem Helvetica,Arial,sans-serif}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#6b7280;font-size:.85rem}
.drafted{background:#f9fafb;border-left:3px solid #93c5fd;padding:.6rem .9rem}
ol.sources li{margin:.2rem 0;word-break:break-word}
footer{margin-top:2.5rem;color:#6b7280;font-size:.85rem;border-top:1px solid #e5e7eb;padding-top:.8rem}
`;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function cite(claim: ReportClaim, layout: ReportLayout): string {
  if (claim.basis === 'collection') return '';
  const numbers = citationNumbers(claim, layout.numbering);
  return numbers.map((n) => `<sup class="cite"><a href="#src-${n}">[${n}]</a></sup>`).join('');
}

function line(claim: ReportClaim, layout: ReportLayout): string {
  return `${escapeHtml(claim.text)}${cite(claim, layout)}`;
}

function list(claims: ReportClaim[], layout: ReportLayout, ordered = false): string {
  if (claims.length === 0) return '';
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag}>${claims.map((c) => `<li>${line(c, layout)}</li>`).join('')}</${tag}>`;
}

function table(headers: string[], rows: ReportClaim[], layout: ReportLayout, numeric: number[]): string {
  if (rows.length === 0) return '';
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row) => {
      const cells = (row.cells ?? [row.text]).map(
        (c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`,
      );
      return `<tr>${cells.join('')}<td>${cite(row, layout)}</td></tr>`;
    })
    .join('');
  const note = rows[0]?.methodNote ? `<p class="note">${escapeHtml(rows[0].methodNote)}</p>` : '';
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>${note}`;
}

function figure(chart: ReportChart, caption: ReportClaim | undefined, layout: ReportLayout): string {
  const text = caption ? `<figcaption>${line(caption, layout)}</figcaption>` : '';
  return `<figure role="img" aria-label="${escapeHtml(chart.title)}" data-chart="${escapeHtml(chart.id)}">${chart.svg}${text}</figure>`;
}

function sourceLink(claim: ReportClaim): string {
  // Make the URL in the bibliography entry clickable when it is a web address.
  return escapeHtml(claim.text).replace(/(https?:\/\/[^\s<]+?)(\.?)(?=\s|$)/g, '<a href="$1">$1</a>$2');
}

function knowledgeRef(layout: ReportLayout, n: number): string {
  const document = knowledgeDocumentOf(layout, n);
  return document ? ` <span class="meta">Knowledge base: <code>${escapeHtml(document)}</code>.</span>` : '';
}

/** Renders the `code` spans of a plain sentence. */
function codeSpans(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function renderHtml(layout: ReportLayout): string {
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(layout.title)}</h1>`);
  for (const claim of layout.meta) parts.push(`<p class="meta">${line(claim, layout)}</p>`);
  parts.push('<h2 id="summary">Summary</h2>');
  if (layout.drafted.length > 0) {
    parts.push(
      `<div class="drafted"><p>${layout.drafted.map((c) => line(c, layout)).join(' ')}</p><p class="note">Drafted by ${escapeHtml(layout.draftedBy ?? 'a model')} from the findings below; each sentence passed the citation check.</p></div>`,
    );
  }
  parts.push(list(layout.summary, layout));
  parts.push('<h2 id="findings">Key findings</h2>');
  parts.push(
    layout.findings.length > 0
      ? list(layout.findings, layout, true)
      : '<p>No quantitative statements were found in the sources.</p>',
  );
  parts.push('<h2 id="figures">Figures and trends</h2>');
  if (layout.figures.length === 0)
    parts.push('<p>No figures: the sources hold no tables with numeric columns.</p>');
  for (const block of layout.figures) {
    parts.push(`<h3>${escapeHtml(block.title)}</h3>`);
    if (block.chart) parts.push(figure(block.chart, block.caption, layout));
    else if (block.caption) parts.push(list([block.caption], layout));
    parts.push(list(block.claims, layout));
  }
  parts.push('<h2 id="entities">Entities and sentiment</h2>');
  parts.push(
    table(
      ['Entity', 'Type', 'Mentions', 'Sources', 'Sentiment', 'Cited'],
      layout.entities,
      layout,
      [2, 3, 4],
    ),
  );
  if (layout.entityChart) parts.push(figure(layout.entityChart.chart, layout.entityChart.caption, layout));
  if (layout.sentiment.length > 0) {
    parts.push('<h3>Sentiment by source</h3>');
    parts.push(table(['Source', 'Score', 'Label', 'Cited'], layout.sentiment, layout, [1]));
  }
  if (layout.topics.length > 0) parts.push('<h3>Topics</h3>', list(layout.topics, layout));
  parts.push('<h2 id="gaps">Open questions and gaps</h2>');
  parts.push(layout.gaps.length > 0 ? list(layout.gaps, layout) : '<p>None found.</p>');
  parts.push('<h2 id="sources">Sources</h2>');
  parts.push(
    `<ol class="sources">${layout.sources.map(({ n, claim }) => `<li id="src-${n}" value="${n}">${sourceLink(claim)}${knowledgeRef(layout, n)}</li>`).join('')}</ol>`,
  );
  if (layout.knowledge)
    parts.push(`<p class="meta">${codeSpans(knowledgeNote(layout.knowledge.namespace))}</p>`);
  if (layout.notCollected.length > 0) {
    parts.push('<h3>Not collected</h3>');
    parts.push(`<ul>${layout.notCollected.map((c) => `<li>${escapeHtml(c.text)}</li>`).join('')}</ul>`);
  }
  parts.push(`<footer>${layout.footer.map((c) => `<p>${line(c, layout)}</p>`).join('')}</footer>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Magnatronic research agent">
<title>${escapeHtml(layout.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${parts.filter(Boolean).join('\n')}
</main>
</body>
</html>
`;
}
