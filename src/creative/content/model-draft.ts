import type { ChatProvider } from '../../llm/chat.js';
import type { ReportClaim } from '../../research/report/types.js';
import type { ContentRequest } from './request.js';
import type { ContentSentence } from './sentences.js';

/**
 * With a model configured, it drafts the opening paragraph from the checked sentences only,
 * citing them by marker; each sentence it writes then passes the same check as the template's,
 * and those that fail are dropped and counted. The reply is streamed so a long draft shows
 * progress; temperature 0 for the most repeatable prose a model gives.
 */
const MAX_FACTS = 24;

const AUDIENCE_HINT: Record<ContentRequest['audience'], string> = {
  general: 'a general reader: short sentences, everyday words',
  executive: 'a busy executive: lead with what matters most, then the evidence',
  expert: 'a domain expert: precise terms, no simplification',
};

const SHAPE: Partial<Record<ContentRequest['format'], string>> = {
  brief: '3 to 5 sentences that open a brief',
  'executive-summary': '2 to 4 sentences of executive summary',
  article: '4 to 6 sentences that open an article',
  'product-description': '2 to 4 sentences that describe the product',
};

export function draftable(format: ContentRequest['format']): boolean {
  return SHAPE[format] !== undefined;
}

export async function draftOpening(input: {
  provider: ChatProvider;
  request: ContentRequest;
  sentences: ContentSentence[];
  nextId: () => string;
  signal?: AbortSignal;
  onDelta?: (text: string) => void;
}): Promise<ReportClaim[]> {
  const { request } = input;
  const facts = input.sentences.slice(0, MAX_FACTS).map((s) => s.claim);
  const numbering = new Map<string, number>();
  for (const fact of facts)
    for (const id of fact.citations) if (!numbering.has(id)) numbering.set(id, numbering.size + 1);
  const markers = (claim: ReportClaim): string =>
    claim.citations.map((id) => `[${numbering.get(id)}]`).join('');
  const system = [
    `Write ${SHAPE[request.format]} about "${request.topic}" for ${AUDIENCE_HINT[request.audience]}, in a ${request.tone} tone.`,
    'Use only the numbered facts given. End every sentence with the citation markers, like [2] or [1][3], of the facts it uses.',
    'Copy numbers and names exactly as they appear in the facts; never compute, round or invent a number.',
    'Plain prose only: no headings, no lists, no quotation marks.',
  ].join(' ');
  const user = ['Facts:', ...facts.map((f, i) => `${i + 1}. ${f.text} ${markers(f)}`)].join('\n');
  const reply = await input.provider.chat(
    [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    {
      temperature: 0,
      maxTokens: 700,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onDelta ? { onDelta: input.onDelta } : {}),
    },
  );
  const byNumber = new Map([...numbering.entries()].map(([id, n]) => [n, id]));
  const out: ReportClaim[] = [];
  for (const sentence of reply
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?](?:\s*\[\d+\])*)\s+(?=[A-Z“"])/)) {
    const cited = [...sentence.matchAll(/\[(\d+)\]/g)].map((m) => byNumber.get(Number(m[1])));
    const citations = [...new Set(cited.filter((id): id is string => id !== undefined))];
    const text = sentence.replace(/\s*\[\d+\]/g, '').trim();
    if (!text) continue;
    // A computed value (an expert's confidence) may be repeated when a fact citing the same source states its method.
    const computed = facts
      .filter((f) => f.citations.some((id) => citations.includes(id)))
      .flatMap((f) => f.computed.map((c) => ({ ...c, statedIn: f.id })));
    out.push({
      id: input.nextId(),
      section: 'findings',
      author: 'model',
      text,
      citations,
      basis: 'sources',
      computed,
    });
  }
  return out;
}
