import type { Answer, Citation } from '../../knowledge/types.js';

/** `kb ask` in words: the span, its sentences, any disagreeing source, citations; or the passages read. */
export function askText(answer: Answer): string {
  const cite = (c: Citation) => `${c.title ?? c.source} (${c.namespace}, ${c.chunkId})`;
  if (!answer.found) {
    const passages = (answer.passages ?? []).map(
      (p, i) => `[${i + 1}] ${p.text.slice(0, 300)}\n    ${cite(p.citation)}`,
    );
    return [
      `not found (confidence ${answer.confidence})`,
      ...(passages.length ? ['best passages:', ...passages] : []),
    ].join('\n');
  }
  return [
    `${answer.answer}  (${answer.expectedType ?? 'answer'}, confidence ${answer.confidence})`,
    ...answer.sentences.map((s) => `  "${s.text}"`),
    ...(answer.alternatives ?? []).map(
      (a) => `sources disagree: ${a.text} — "${a.sentence}" ${cite(a.citation)}`,
    ),
    '',
    ...answer.citations.map((c, i) => `[${i + 1}] ${cite(c)}`),
  ].join('\n');
}
