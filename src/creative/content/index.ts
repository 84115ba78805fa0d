import { MagnaError } from '../../core/errors.js';
import type { ChatProvider } from '../../llm/chat.js';
import type { Logger } from '../../observability/logger.js';
import { show, withUnit } from '../../research/report/format.js';
import type { DroppedClaim, ReportClaim } from '../../research/report/types.js';
import type { CorpusSource } from '../../research/types.js';
import type { Evidence } from '../evidence.js';
import { type ContentLayout, layoutContent } from './layout.js';
import { draftable, draftOpening } from './model-draft.js';
import { planContent } from './plan.js';
import { type Readability, readability } from './readability.js';
import { type RenderedContent, renderContent } from './render.js';
import {
  type ContentRequest,
  type ContentRequestInput,
  contentRequestSchema,
  FACT_BUDGET,
} from './request.js';
import { ContentChecker, type ContentSentence, writeSentences } from './sentences.js';

/**
 * Content from evidence: plan (which facts, in what order), realise (templates with variation,
 * quoted findings), check (the research report's citation check plus names in the cited source),
 * aggregate, lay out for the format, render, and measure readability. Offline the output is a
 * pure function of the evidence and the request. With a model, the model drafts the opening
 * paragraph under the same check.
 */
export interface GenerateOptions {
  provider?: ChatProvider;
  signal?: AbortSignal;
  logger?: Logger;
  onDelta?: (text: string) => void;
}

export interface ContentResult extends RenderedContent {
  request: ContentRequest;
  title: string;
  layout: ContentLayout;
  /** Checked sentences, in the order laid out. */
  claims: ReportClaim[];
  dropped: DroppedClaim[];
  readability: Readability;
  /** Set when a model drafted the opening; `kept`/`dropped` count its sentences. */
  model?: { provider: string; kept: number; dropped: number };
  method: string[];
  /** The first stated number, for a social card: as printed, what it measures, and its source. */
  keyFigure?: KeyFigure;
}

export interface KeyFigure {
  value: string;
  label: string;
  source: { id: string; title: string; url: string };
}

export function parseContentRequest(input: ContentRequestInput): ContentRequest {
  const parsed = contentRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Invalid content request: ${parsed.error.issues[0]?.message ?? 'bad input'}.`,
      {
        details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
      },
    );
  }
  return parsed.data;
}

export async function generateContent(
  evidence: Evidence,
  input: ContentRequestInput,
  options: GenerateOptions = {},
): Promise<ContentResult> {
  const request = parseContentRequest(input);
  const candidates = planContent(evidence, request);
  if (candidates.length === 0) {
    throw new MagnaError(
      'CREATIVE_NO_FACTS',
      request.subject
        ? `No facts about "${request.subject}" to write from.`
        : `No facts about "${request.topic}" to write from; ingest or research sources first.`,
      { details: { topic: request.topic, ...(request.subject ? { subject: request.subject } : {}) } },
    );
  }
  let counter = 0;
  const nextId = (): string => `k${++counter}`;
  const checker = new ContentChecker(evidence);
  const budget = FACT_BUDGET[request.format][request.length];
  const { sentences, dropped } = writeSentences(candidates, request, checker, budget, nextId, {
    headline: request.format === 'headlines',
  });
  const layout = layoutContent(request, sentences);
  const claims = new Map(sentences.map((s) => [s.claim.id, s.claim]));
  let model: ContentResult['model'];
  if (options.provider?.available && draftable(request.format) && sentences.length > 0) {
    try {
      const drafted = await draftOpening({
        provider: options.provider,
        request,
        sentences,
        nextId,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onDelta ? { onDelta: options.onDelta } : {}),
      });
      const result = checker.check(drafted.map((claim) => ({ claim, facts: [] })));
      dropped.push(...result.dropped);
      model = { provider: options.provider.name, kept: result.kept.length, dropped: result.dropped.length };
      if (result.kept.length > 0) {
        for (const s of result.kept) claims.set(s.claim.id, s.claim);
        layout.blocks.unshift({ kind: 'paragraph', claims: result.kept.map((s) => s.claim.id) });
      }
    } catch (error) {
      options.logger?.warn(
        { err: error, provider: options.provider.name },
        'creative: model draft failed; template text stands',
      );
    }
  }
  for (const { claim, reason } of dropped) {
    options.logger?.warn(
      { code: 'REPORT_UNSUPPORTED_CLAIM', claim: claim.text, citations: claim.citations, reason },
      'creative: dropped unsupported sentence',
    );
  }
  const sources = new Map(evidence.corpus.sources.map((s) => [s.id, s]));
  const rendered = renderContent(layout, claims, sources, request.tone);
  const laidOut = layout.blocks.flatMap((b) => ('claims' in b ? b.claims : []));
  const figure = keyFigureOf(laidOut, sentences, sources);
  return {
    ...rendered,
    request,
    title: layout.title,
    layout,
    claims: laidOut.map((id) => claims.get(id)!),
    dropped,
    readability: readability(rendered.text, request.audience),
    ...(model ? { model } : {}),
    ...(figure ? { keyFigure: figure } : {}),
    method: [
      ...evidence.method,
      `plan: top ${budget * 2} candidate facts by relevance, at most half the budget per subject`,
      'realise: predicate templates with hash-chosen variants; findings quoted verbatim',
      'check: the research report citation check, plus stated names present in a cited source',
    ],
  };
}

function keyFigureOf(
  laidOut: string[],
  sentences: ContentSentence[],
  sources: ReadonlyMap<string, CorpusSource>,
): KeyFigure | undefined {
  const byClaim = new Map(sentences.map((s) => [s.claim.id, s]));
  for (const id of laidOut) {
    const fact = byClaim.get(id)?.facts.find((f) => f.number !== undefined && f.sources.length > 0);
    if (!fact) continue;
    const source = sources.get(fact.sources[0]!);
    if (!source) continue;
    // A KB fact's value is printed as stored; a finding's or series' number with its unit.
    const value = fact.kind === 'fact' ? fact.value : withUnit(show(fact.number!), fact.unit);
    const label =
      fact.kind === 'fact' ? `${fact.predicate.replace(/[_.-]+/g, ' ')} · ${fact.subject}` : fact.subject;
    return { value, label, source: { id: source.id, title: source.title, url: source.url } };
  }
  return undefined;
}

export type { ContentFormat, ContentRequest, ContentRequestInput } from './request.js';
export { AUDIENCES, CONTENT_FORMATS, LENGTHS, TONES } from './request.js';
