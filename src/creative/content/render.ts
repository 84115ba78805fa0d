import type { ReportClaim } from '../../research/report/types.js';
import type { CorpusSource } from '../../research/types.js';
import type { ContentLayout } from './layout.js';
import { heading } from './phrasing.js';
import type { Tone } from './request.js';

/**
 * Markdown, self-contained HTML and plain text from one layout. Citation markers [n] number the
 * sources in order of first citation; the sources list holds exactly the cited ones.
 */
export interface RenderedContent {
  markdown: string;
  html: string;
  /** The body as plain sentences (no markers, headings or sources): what readability measures. */
  text: string;
  /** Cited sources in marker order. */
  sources: Array<{ number: number; id: string; title: string; url: string }>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderContent(
  layout: ContentLayout,
  claims: ReadonlyMap<string, ReportClaim>,
  sources: ReadonlyMap<string, CorpusSource>,
  tone: Tone,
): RenderedContent {
  const numbering = new Map<string, number>();
  const markers = (claim: ReportClaim): string[] =>
    claim.citations.map((id) => {
      if (!numbering.has(id)) numbering.set(id, numbering.size + 1);
      return `[${numbering.get(id)}]`;
    });
  const sentence = (id: string): { md: string; html: string; plain: string } => {
    const claim = claims.get(id)!;
    const marks = markers(claim).join('');
    return {
      md: `${claim.text} ${marks}`,
      html: `${escapeHtml(claim.text)} <sup class="cite">${escapeHtml(marks)}</sup>`,
      plain: claim.text,
    };
  };
  const md: string[] = [`# ${layout.title}`, ''];
  const html: string[] = [`<h1>${escapeHtml(layout.title)}</h1>`];
  const plain: string[] = [];
  for (const block of layout.blocks) {
    const parts = 'claims' in block ? block.claims.map(sentence) : [];
    if (parts.length === 0 && block.kind !== 'heading') continue;
    switch (block.kind) {
      case 'heading':
        md.push(`## ${block.text}`, '');
        html.push(`<h2>${escapeHtml(block.text)}</h2>`);
        break;
      case 'paragraph':
        md.push(parts.map((p) => p.md).join(' '), '');
        html.push(`<p>${parts.map((p) => p.html).join(' ')}</p>`);
        plain.push(...parts.map((p) => p.plain));
        break;
      case 'list':
        md.push(...parts.map((p) => `- ${p.md}`), '');
        html.push(`<ul>${parts.map((p) => `<li>${p.html}</li>`).join('')}</ul>`);
        plain.push(...parts.map((p) => p.plain));
        break;
      case 'qa':
        md.push(`**${block.question}**`, '', parts.map((p) => p.md).join(' '), '');
        html.push(`<h3>${escapeHtml(block.question)}</h3><p>${parts.map((p) => p.html).join(' ')}</p>`);
        plain.push(block.question, ...parts.map((p) => p.plain));
        break;
      case 'post': {
        const text = [block.lead, ...parts.map((p) => p.md), ...block.tags].filter(Boolean).join(' ');
        md.push(`> ${text}`, '');
        html.push(
          `<blockquote class="post">${[block.lead, ...parts.map((p) => p.html), ...block.tags]
            .filter(Boolean)
            .map((t, i) => (i === 0 || t.startsWith('#') ? escapeHtml(t) : t))
            .join(' ')}</blockquote>`,
        );
        plain.push(...parts.map((p) => p.plain));
        break;
      }
    }
  }
  const cited = [...numbering.entries()].map(([id, number]) => {
    const source = sources.get(id);
    return { number, id, title: source?.title ?? id, url: source?.url ?? '' };
  });
  if (cited.length > 0) {
    md.push(
      `## ${heading('sources', tone)}`,
      '',
      ...cited.map((s) => `${s.number}. ${s.title} — ${s.url}`),
      '',
    );
    html.push(
      `<h2>${escapeHtml(heading('sources', tone))}</h2><ol class="sources">${cited
        .map(
          (s) => `<li>${escapeHtml(s.title)} — <a href="${escapeHtml(s.url)}">${escapeHtml(s.url)}</a></li>`,
        )
        .join('')}</ol>`,
    );
  }
  return {
    markdown: md.join('\n'),
    html: page(layout.title, html.join('\n')),
    text: plain.join(' '),
    sources: cited,
  };
}

/** A readable, self-contained page: dark text on white, 4.5:1 contrast or better throughout. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:17px/1.55 Georgia,'DejaVu Serif',serif;color:#1f2937;background:#ffffff;max-width:46rem;margin:2rem auto;padding:0 1rem}
h1,h2,h3{font-family:Helvetica,Arial,'DejaVu Sans',sans-serif;color:#111827}
h1{font-size:1.9rem}h2{font-size:1.3rem;margin-top:1.6rem}
sup.cite{color:#1d4ed8;font-size:.75em}
a{color:#1d4ed8}
blockquote.post{border-left:4px solid #1d4ed8;margin:1rem 0;padding:.5rem 1rem;background:#f3f4f6}
ol.sources{font-size:.9rem}
</style></head>
<body>
${body}
</body></html>
`;
}
