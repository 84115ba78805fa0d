import type { ChatProvider } from '../../llm/chat.js';
import type { Logger } from '../../observability/logger.js';
import type { Analysis } from '../analyze/types.js';
import type { Corpus } from '../types.js';
import { categoryChart, entitySentimentChart, timeSeriesChart } from './charts.js';
import { CitationChecker } from './citations.js';
import { entityClaims, sentimentClaims } from './entities.js';
import { seriesClaims } from './figures.js';
import { keyFindingClaims, rankFindings, summaryClaims, topicClaims } from './findings.js';
import { Computations } from './format.js';
import { bibliographyClaims, gapClaims } from './gaps.js';
import { renderHtml } from './html.js';
import { layoutReport, type ReportKnowledge } from './layout.js';
import { renderMarkdown } from './markdown.js';
import { draftSummary } from './prose.js';
import type { DroppedClaim, ReportChart, ReportClaim } from './types.js';

/**
 * Builds the report from a corpus and its analysis: claims for every section, the citation check
 * (unsupported claims dropped and logged), charts for the claims that survive, then Markdown and
 * HTML from the same layout. Without a model the output is a pure function of its inputs.
 */
export interface BuildReportOptions {
  logger?: Logger;
  provider?: ChatProvider;
  signal?: AbortSignal;
  /** Claims added before the check (used to test that unsupported claims are dropped). */
  extraClaims?: ReportClaim[];
  /** Where the sources were stored in the knowledge base; the Sources section links to it. */
  knowledge?: ReportKnowledge;
}

export interface BuiltReport {
  markdown: string;
  html: string;
  /** SVG files the Markdown references, by file name. */
  charts: Array<{ file: string; svg: string }>;
  kept: ReportClaim[];
  dropped: DroppedClaim[];
  draftedBy?: string;
}

const MAX_SERIES = 12;
const MAX_CHART_ENTITIES = 12;

export async function buildReport(
  corpus: Corpus,
  analysis: Analysis,
  options: BuildReportOptions = {},
): Promise<BuiltReport> {
  let counter = 0;
  const nextId = (): string => `c${++counter}`;
  const numbering = new Map<string, number>();
  for (const source of corpus.sources)
    if (source.status === 'ok') numbering.set(source.id, numbering.size + 1);
  const series = analysis.series.slice(0, MAX_SERIES);
  const ranked = rankFindings(analysis);
  const candidates: ReportClaim[] = [
    ...summaryClaims(corpus, analysis, ranked, nextId),
    ...keyFindingClaims(ranked, nextId),
    ...series.flatMap((s) => seriesClaims(s, nextId)),
    ...entityClaims(analysis, nextId),
    ...sentimentClaims(analysis, corpus, nextId),
    ...topicClaims(analysis, corpus, nextId),
    ...gapClaims(corpus, analysis, nextId),
    ...(options.extraClaims ?? []),
    ...bibliographyClaims(corpus, nextId),
  ];
  const checker = new CitationChecker(corpus);
  const stated = new Set<string>();
  const { kept, dropped } = checker.check(candidates, stated);
  let draftedBy: string | undefined;
  if (options.provider?.available) {
    try {
      const drafted = await draftSummary({
        provider: options.provider,
        topic: corpus.topic,
        facts: kept.filter(
          (c) => c.section === 'summary' || c.section === 'findings' || c.section === 'figures',
        ),
        numbering,
        nextId,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const result = checker.check(drafted, stated);
      kept.unshift(...result.kept);
      dropped.push(...result.dropped);
      if (result.kept.length > 0) draftedBy = options.provider.name;
    } catch (error) {
      options.logger?.warn(
        { err: error, provider: options.provider.name },
        'report: model summary failed; keeping the template summary',
      );
    }
  }
  for (const { claim, reason } of dropped) {
    options.logger?.warn(
      { code: 'REPORT_UNSUPPORTED_CLAIM', claim: claim.text, citations: claim.citations, reason },
      'report: dropped unsupported claim',
    );
  }
  const c = new Computations();
  const footer: ReportClaim = {
    id: nextId(),
    section: 'meta',
    group: 'footer',
    text: `Citation check (count of statements): ${c.put(kept.length, 0, 'count of statements')} statements cite their sources; ${c.put(dropped.length, 0, 'count of statements')} statements that no cited source supports were left out and logged. Numbers come from the cited sources or are computed with the method stated beside them.`,
    citations: [],
    basis: 'collection',
    computed: c.values,
  };
  const final = checker.check([footer], stated);
  kept.push(...final.kept);

  const charts: ReportChart[] = [];
  const captions = new Map(kept.filter((k) => k.chart).map((k) => [k.chart!, k]));
  for (const s of series) {
    const id = `chart-${s.id}`;
    const caption = captions.get(id);
    if (!caption) continue;
    const svg = s.kind === 'time' ? await timeSeriesChart(s, id) : await categoryChart(s, id);
    charts.push({ id, title: s.name, svg, caption: caption.id });
  }
  const entityCaption = captions.get('chart-entity-sentiment');
  if (entityCaption) {
    const svg = await entitySentimentChart(
      analysis.entities.slice(0, MAX_CHART_ENTITIES),
      'chart-entity-sentiment',
    );
    charts.push({ id: 'chart-entity-sentiment', title: 'Entity sentiment', svg, caption: entityCaption.id });
  }
  const layout = layoutReport({
    topic: corpus.topic,
    claims: kept,
    charts,
    numbering,
    seriesTitles: new Map(series.map((s) => [s.id, s.name])),
    ...(draftedBy ? { draftedBy } : {}),
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
  });
  const chartFile = (id: string): string => `${id}.svg`;
  return {
    markdown: renderMarkdown(layout, chartFile),
    html: renderHtml(layout),
    charts: charts.map((chart) => ({ file: chartFile(chart.id), svg: chart.svg })),
    kept,
    dropped,
    ...(draftedBy ? { draftedBy } : {}),
  };
}

export { CitationChecker } from './citations.js';
export type { DroppedClaim, ReportClaim } from './types.js';
