import { citationNumbers, knowledgeDocumentOf, knowledgeNote, type ReportLayout } from './layout.js';
import type { ReportClaim } from './types.js';

/** The Markdown report. Charts are referenced as SVG files written beside it. */
function cite(claim: ReportClaim, layout: ReportLayout): string {
  if (claim.section === 'sources' || claim.section === 'not-collected' || claim.basis === 'collection')
    return '';
  const numbers = citationNumbers(claim, layout.numbering);
  return numbers.length > 0 ? ` ${numbers.map((n) => `[${n}]`).join('')}` : '';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function line(claim: ReportClaim, layout: ReportLayout): string {
  return `${claim.text}${cite(claim, layout)}`;
}

function table(headers: string[], rows: ReportClaim[], layout: ReportLayout): string[] {
  if (rows.length === 0) return [];
  const out = [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`];
  for (const row of rows)
    out.push(`| ${[...(row.cells ?? [row.text]), cite(row, layout).trim()].map(cell).join(' | ')} |`);
  const note = rows[0]?.methodNote;
  if (note) out.push('', `_${note}_`);
  return out;
}

export function renderMarkdown(layout: ReportLayout, chartFile: (chartId: string) => string): string {
  const out: string[] = [`# ${layout.title}`, ''];
  for (const claim of layout.meta) out.push(`_${line(claim, layout)}_`, '');
  out.push('## Summary', '');
  if (layout.drafted.length > 0) {
    out.push(layout.drafted.map((c) => line(c, layout)).join(' '), '');
    out.push(
      `_Drafted by ${layout.draftedBy ?? 'a model'} from the findings below; each sentence passed the citation check._`,
      '',
    );
  }
  for (const claim of layout.summary) out.push(`- ${line(claim, layout)}`);
  out.push('', '## Key findings', '');
  for (const [i, claim] of layout.findings.entries()) out.push(`${i + 1}. ${line(claim, layout)}`);
  if (layout.findings.length === 0) out.push('No quantitative statements were found in the sources.');
  out.push('', '## Figures and trends', '');
  if (layout.figures.length === 0)
    out.push('No figures: the sources hold no tables with numeric columns.', '');
  for (const figure of layout.figures) {
    out.push(`### ${figure.title}`, '');
    if (figure.chart) out.push(`![${figure.chart.title}](${chartFile(figure.chart.id)})`, '');
    if (figure.caption) out.push(`- ${line(figure.caption, layout)}`);
    for (const claim of figure.claims) out.push(`- ${line(claim, layout)}`);
    out.push('');
  }
  out.push('## Entities and sentiment', '');
  out.push(
    ...table(['Entity', 'Type', 'Mentions', 'Sources', 'Sentiment', 'Cited'], layout.entities, layout),
  );
  if (layout.entityChart) {
    out.push('', `![${layout.entityChart.chart.title}](${chartFile(layout.entityChart.chart.id)})`, '');
    out.push(`_${line(layout.entityChart.caption, layout)}_`);
  }
  if (layout.sentiment.length > 0) {
    out.push('', '### Sentiment by source', '');
    out.push(...table(['Source', 'Score', 'Label', 'Cited'], layout.sentiment, layout));
  }
  if (layout.topics.length > 0) {
    out.push('', '### Topics', '');
    for (const claim of layout.topics) out.push(`- ${line(claim, layout)}`);
  }
  out.push('', '## Open questions and gaps', '');
  if (layout.gaps.length === 0) out.push('None found.');
  for (const claim of layout.gaps) out.push(`- ${line(claim, layout)}`);
  out.push('', '## Sources', '');
  for (const { n, claim } of layout.sources) {
    const document = knowledgeDocumentOf(layout, n);
    out.push(`${n}. ${claim.text}${document ? ` Knowledge base: \`${document}\`.` : ''}`);
  }
  if (layout.knowledge) out.push('', knowledgeNote(layout.knowledge.namespace));
  if (layout.notCollected.length > 0) {
    out.push('', '### Not collected', '');
    for (const claim of layout.notCollected) out.push(`- ${claim.text}`);
  }
  out.push('', '---', '');
  for (const claim of layout.footer) out.push(`_${line(claim, layout)}_`);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
