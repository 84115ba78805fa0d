import { MagnaError } from '../../core/errors.js';
import { type Evidence, mergeEvidence } from '../../creative/evidence.js';
import { evidenceFromKnowledge } from '../../creative/knowledge-evidence.js';
import { evidenceFromResearch } from '../../creative/research-evidence.js';
import { readAnalysis, readCorpus } from '../research/files.js';
import { fromUpstream } from '../research/upstream.js';
import type { SkillContext } from '../sdk.js';

/**
 * Gathers what a creative skill may say: knowledge-base facts (namespaces from the input or an
 * upstream knowledge step) and research findings (paths from the input or upstream steps).
 */
export interface EvidenceInput {
  topic: string;
  namespaces?: string[] | undefined;
  subject?: string | undefined;
  corpusPath?: string | undefined;
  analysisPath?: string | undefined;
}

export async function gatherEvidence(input: EvidenceInput, ctx: SkillContext): Promise<Evidence> {
  const parts: Evidence[] = [];
  const corpusPath = input.corpusPath ?? fromUpstream(ctx.upstream, 'collect', 'corpusPath');
  const analysisPath = input.analysisPath ?? fromUpstream(ctx.upstream, 'analyze', 'analysisPath');
  if (corpusPath && analysisPath) {
    const [corpus, analysis] = await Promise.all([
      readCorpus(ctx, corpusPath),
      readAnalysis(ctx, analysisPath),
    ]);
    parts.push(evidenceFromResearch(corpus, analysis));
  }
  const upstreamNamespace = fromUpstream(ctx.upstream, 'knowledge', 'namespace');
  const namespaces = input.namespaces ?? (upstreamNamespace ? [upstreamNamespace] : undefined);
  if (namespaces && namespaces.length > 0) {
    const kb = ctx.services.knowledge;
    if (!kb) throw new MagnaError('UNAVAILABLE', 'This node has no knowledge base configured.');
    parts.push(
      await evidenceFromKnowledge(kb, ctx.principal, {
        topic: input.topic,
        namespaces,
        ...(input.subject ? { subject: input.subject } : {}),
      }),
    );
  }
  if (parts.length === 0) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      'A creative skill needs knowledge-base namespaces or research corpus and analysis paths (input or upstream steps).',
    );
  }
  const evidence = mergeEvidence(input.topic, parts);
  if (evidence.facts.length === 0) {
    throw new MagnaError(
      'CREATIVE_NO_FACTS',
      `No facts to write about "${input.topic}": the knowledge base${namespaces ? ` (${namespaces.join(', ')})` : ''} and research input hold none.`,
      { details: { topic: input.topic, namespaces: namespaces ?? [] } },
    );
  }
  return evidence;
}
