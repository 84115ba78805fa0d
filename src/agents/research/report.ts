import { z } from 'zod';
import { MagnaError } from '../../core/errors.js';
import { createChatProvider } from '../../llm/index.js';
import type { ReportKnowledge } from '../../research/report/layout.js';
import { defineSkill } from '../sdk.js';
import { readAnalysis, readCorpus, requireReadable } from './files.js';
import { fromUpstream } from './upstream.js';

/** The knowledge step's output, when the mission stored the sources in the knowledge base. */
function knowledgeOf(upstream: Record<string, unknown>): ReportKnowledge | undefined {
  const step = upstream.knowledge as
    | { namespace?: unknown; documents?: Array<{ documentId: string; sourceId?: string }> }
    | undefined;
  if (!step || typeof step.namespace !== 'string') return undefined;
  const documents: Record<string, string> = {};
  for (const d of step.documents ?? []) if (d.sourceId) documents[d.sourceId] = d.documentId;
  return { namespace: step.namespace, documents };
}

/**
 * `research.report`: writes `report.md`, `report.html` (self-contained) and the charts as SVG
 * files. Claims that fail the citation check are dropped and logged; a configured model may draft
 * the summary under the same check.
 */
export const reportSkill = defineSkill({
  name: 'research.report',
  description: 'Writes a cited research report (Markdown and self-contained HTML with SVG charts).',
  input: z.object({
    topic: z.string().optional(),
    analysisPath: z.string().optional(),
    corpusPath: z.string().optional(),
  }),
  output: z.object({
    reportPath: z.string(),
    htmlPath: z.string(),
    markdownPath: z.string(),
    charts: z.array(z.string()),
    claims: z.number().int(),
    dropped: z.number().int(),
    draftedBy: z.string().optional(),
  }),
  async handler(input, ctx) {
    const analysisPath = input.analysisPath ?? fromUpstream(ctx.upstream, 'analyze', 'analysisPath');
    const corpusPath =
      input.corpusPath ??
      fromUpstream(ctx.upstream, 'analyze', 'corpusPath') ??
      fromUpstream(ctx.upstream, 'collect', 'corpusPath');
    if (!analysisPath || !corpusPath) {
      throw new MagnaError(
        'INVALID_ARGUMENT',
        'research.report needs analysisPath and corpusPath (input or upstream steps).',
      );
    }
    const [corpus, analysis] = await Promise.all([
      readCorpus(ctx, corpusPath),
      readAnalysis(ctx, analysisPath),
    ]);
    requireReadable(corpus, corpusPath, 'research.report');
    const knowledge = knowledgeOf(ctx.upstream);
    // vega, vega-lite and the report renderer load on the first report, not at start-up.
    const { buildReport } = await import('../../research/report/index.js');
    const report = await buildReport(corpus, analysis, {
      ...(knowledge ? { knowledge } : {}),
      logger: ctx.logger,
      provider: createChatProvider(ctx.config),
      signal: ctx.signal,
    });
    const charts: string[] = [];
    for (const chart of report.charts) charts.push(await ctx.writeArtifact(chart.file, chart.svg));
    const markdownPath = await ctx.writeArtifact('report.md', report.markdown);
    const htmlPath = await ctx.writeArtifact('report.html', report.html);
    ctx.logger.info(
      { htmlPath, claims: report.kept.length, dropped: report.dropped.length },
      'research: report written',
    );
    return {
      reportPath: htmlPath,
      htmlPath,
      markdownPath,
      charts,
      claims: report.kept.length,
      dropped: report.dropped.length,
      ...(report.draftedBy ? { draftedBy: report.draftedBy } : {}),
    };
  },
});
