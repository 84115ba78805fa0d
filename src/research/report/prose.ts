import type { ChatProvider } from '../../llm/chat.js';
import type { ReportClaim } from './types.js';

/**
 * Optional model-drafted summary. The model sees only checked claims with their citation markers
 * and must cite in the same way; its sentences then go through the same citation check as every
 * other claim (numbers must be in the cited sources, or be values whose method a cited claim
 * already states). Temperature 0; the deterministic template summary stays in the report.
 */
const MAX_FACTS = 24;

const SYSTEM = [
  'You write the executive summary of a research report.',
  'Use only the numbered facts given. End every sentence with the citation markers, like [2] or [1][3], of the facts it uses.',
  'Copy numbers exactly as they appear in the facts; never compute, round or invent a number.',
  'Write 3 to 5 sentences of plain prose: no headings, no lists, no quotation marks.',
].join(' ');

export async function draftSummary(input: {
  provider: ChatProvider;
  topic: string;
  facts: ReportClaim[];
  numbering: Map<string, number>;
  nextId: () => string;
  signal?: AbortSignal;
}): Promise<ReportClaim[]> {
  const facts = input.facts.filter((f) => f.basis === 'sources').slice(0, MAX_FACTS);
  const markers = (claim: ReportClaim): string =>
    [...new Set(claim.citations.map((id) => input.numbering.get(id)).filter((n) => n !== undefined))]
      .map((n) => `[${n}]`)
      .join('');
  const user = [
    `Topic: ${input.topic}`,
    'Facts:',
    ...facts.map((f, i) => `${i + 1}. ${f.text} ${markers(f)}`),
  ].join('\n');
  const reply = await input.provider.chat(
    [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: user },
    ],
    { temperature: 0, maxTokens: 600, ...(input.signal ? { signal: input.signal } : {}) },
  );
  const byNumber = new Map([...input.numbering.entries()].map(([id, n]) => [n, id]));
  const sentences = reply
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?](?:\s*\[\d+\])*)\s+(?=[A-Z“"])/);
  const out: ReportClaim[] = [];
  for (const sentence of sentences) {
    const numbers = [...sentence.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    const citations = [
      ...new Set(numbers.map((n) => byNumber.get(n)).filter((id): id is string => id !== undefined)),
    ];
    const text = sentence.replace(/\s*\[\d+\]/g, '').trim();
    if (!text) continue;
    // Values computed elsewhere may be repeated when a fact citing the same source states the method.
    const computed = facts
      .filter((f) => f.citations.some((id) => citations.includes(id)))
      .flatMap((f) => f.computed.map((c) => ({ ...c, statedIn: f.id })));
    out.push({
      id: input.nextId(),
      section: 'summary',
      author: 'model',
      text,
      citations,
      basis: 'sources',
      computed,
    });
  }
  return out;
}
