import type { ReportChart, ReportClaim } from './types.js';

/**
 * The report's structure, shared by the Markdown and HTML renderers so both show the same
 * checked claims in the same order.
 */
export interface FigureBlock {
  group: string;
  title: string;
  chart?: ReportChart;
  caption?: ReportClaim;
  claims: ReportClaim[];
}

export interface ReportLayout {
  title: string;
  meta: ReportClaim[];
  draftedBy?: string;
  drafted: ReportClaim[];
  summary: ReportClaim[];
  findings: ReportClaim[];
  figures: FigureBlock[];
  entities: ReportClaim[];
  entityChart?: { chart: ReportChart; caption: ReportClaim };
  sentiment: ReportClaim[];
  topics: ReportClaim[];
  gaps: ReportClaim[];
  sources: Array<{ n: number; claim: ReportClaim }>;
  notCollected: ReportClaim[];
  footer: ReportClaim[];
  /** Source id → citation number. */
  numbering: Map<string, number>;
  /** Where the collected sources were stored in the knowledge base, when they were. */
  knowledge?: ReportKnowledge;
}

/** The knowledge-base side of a research mission: namespace and document id per source id. */
export interface ReportKnowledge {
  namespace: string;
  documents: Record<string, string>;
}

/** One sentence telling the reader where the sources live in the knowledge base. */
export function knowledgeNote(namespace: string): string {
  return `The collected sources are stored in the knowledge base, namespace \`${namespace}\`: search or question them with \`magnatronic kb search|ask "…" --namespace ${namespace}\`.`;
}

/** The knowledge-base document of the source cited as [n], if it was stored. */
export function knowledgeDocumentOf(layout: ReportLayout, n: number): string | undefined {
  if (!layout.knowledge) return undefined;
  for (const [sourceId, number] of layout.numbering) {
    if (number === n) return layout.knowledge.documents[sourceId];
  }
  return undefined;
}

export function layoutReport(input: {
  topic: string;
  claims: ReportClaim[];
  charts: ReportChart[];
  numbering: Map<string, number>;
  seriesTitles: Map<string, string>;
  draftedBy?: string;
  knowledge?: ReportKnowledge;
}): ReportLayout {
  const of = (section: ReportClaim['section'], author?: ReportClaim['author']): ReportClaim[] =>
    input.claims.filter(
      (c) => c.section === section && (author === undefined || (c.author ?? 'template') === author),
    );
  const charts = new Map(input.charts.map((c) => [c.id, c]));
  const figures: FigureBlock[] = [];
  for (const claim of of('figures')) {
    let block = figures.find((f) => f.group === claim.group);
    if (!block) {
      block = {
        group: claim.group ?? '',
        title: input.seriesTitles.get(claim.group ?? '') ?? claim.group ?? '',
        claims: [],
      };
      figures.push(block);
    }
    const chart = claim.chart ? charts.get(claim.chart) : undefined;
    if (chart && !block.chart) {
      block.chart = chart;
      block.caption = claim;
    } else block.claims.push(claim);
  }
  const entityCaption = of('entities').find((c) => c.chart);
  const entityChart = entityCaption?.chart ? charts.get(entityCaption.chart) : undefined;
  const meta = of('meta');
  return {
    title: `Research report: ${input.topic}`,
    meta: meta.filter((c) => c.group !== 'footer'),
    ...(input.draftedBy ? { draftedBy: input.draftedBy } : {}),
    drafted: of('summary', 'model'),
    summary: of('summary', 'template'),
    findings: of('findings'),
    figures,
    entities: of('entities').filter((c) => !c.chart),
    ...(entityChart && entityCaption ? { entityChart: { chart: entityChart, caption: entityCaption } } : {}),
    sentiment: of('sentiment'),
    topics: of('topics'),
    gaps: of('gaps'),
    sources: of('sources').map((claim) => ({ n: input.numbering.get(claim.citations[0]!) ?? 0, claim })),
    notCollected: of('not-collected'),
    footer: meta.filter((c) => c.group === 'footer'),
    numbering: input.numbering,
    ...(input.knowledge ? { knowledge: input.knowledge } : {}),
  };
}

/** Citation numbers of a claim, in order; records that are not numbered sources are left out. */
export function citationNumbers(claim: ReportClaim, numbering: Map<string, number>): number[] {
  const numbers = claim.citations.map((id) => numbering.get(id)).filter((n): n is number => n !== undefined);
  return [...new Set(numbers)].sort((a, b) => a - b);
}
