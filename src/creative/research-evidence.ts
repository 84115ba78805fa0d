import type { Analysis } from '../research/analyze/types.js';
import { rankFindings } from '../research/report/findings.js';
import { show, withUnit } from '../research/report/format.js';
import type { Corpus } from '../research/types.js';
import type { ContentFact, Evidence } from './evidence.js';

/**
 * Facts from a research mission: the report's ranked findings (source sentences, quoted word for
 * word, citing every source that states the same value) and the last observation of each table
 * series. The research corpus is the citation base, so numbering matches the research report.
 */
const MAX_FINDINGS = 40;

export function evidenceFromResearch(corpus: Corpus, analysis: Analysis): Evidence {
  const readable: Corpus = { ...corpus, sources: corpus.sources.filter((s) => s.status === 'ok') };
  // A sentence opening with a pronoun ("It is the largest…") cannot stand alone in new content.
  const ranked = rankFindings(analysis)
    .filter((f) => !/^(it|its|they|their|this|these|that|he|she|we)\b/i.test(f.sentence))
    .slice(0, MAX_FINDINGS);
  const top = ranked[0]?.score ?? 1;
  // The first number of a sentence is what it is about ("reached 442,100 … up from 302,300").
  const claimsBySentence = new Map<string, (typeof analysis.claims)[number]>();
  for (const c of analysis.claims) {
    const key = `${c.sourceId}#${c.index}`;
    if (!claimsBySentence.has(key)) claimsBySentence.set(key, c);
  }
  const facts: ContentFact[] = ranked.map((finding, rank) => {
    const claim = claimsBySentence.get(`${finding.sourceId}#${finding.index}`);
    return {
      id: `finding:${finding.sourceId}#${finding.index}`,
      kind: 'finding',
      subject: claim?.subject ?? corpus.topic,
      predicate: 'finding',
      value: finding.sentence,
      ...(claim ? { number: claim.value, unit: claim.unit } : {}),
      objectIsEntity: false,
      sources: finding.citations,
      // Rank order survives as weight: the best finding 1, falling towards 0.5.
      weight: 0.5 + 0.5 * (Math.max(0, finding.score) / Math.max(1, top)) - rank * 1e-4,
      sentence: finding.sentence,
    };
  });
  for (const series of analysis.series) {
    const last = series.points[series.points.length - 1];
    if (!last) continue;
    const unit = series.unit;
    facts.push({
      id: `series:${series.id}`,
      kind: 'figure',
      subject: series.name,
      predicate: 'series',
      value: `${withUnit(show(last.value), unit)} in ${last.label}`,
      number: last.value,
      ...(unit ? { unit } : {}),
      objectIsEntity: false,
      sources: [series.sourceId],
      weight: 0.7,
    });
  }
  return {
    topic: corpus.topic,
    corpus: readable,
    facts,
    namespaces: [],
    method: [
      `research: the report's ranked findings (top ${MAX_FINDINGS}, quoted verbatim) and the last observation of each table series`,
    ],
  };
}
