import { MagnaError } from '../../core/errors.js';
import type { MissionOptions, Plan, PlanStep, PlanTemplate } from '../plan.js';
import { contentFormat, creativeSteps } from './creative.js';

/**
 * "research <topic>" with sources → collect → (analyze, knowledge ingest) → report. Collection limits may be given
 * as options (maxPages, maxDepth, perHostDelayMs, ...); unset ones come from the config.
 */
const LIMIT_KEYS = [
  'maxPages',
  'maxDepth',
  'fetchTimeoutMs',
  'maxBytes',
  'maxRedirects',
  'perHostConcurrency',
  'perHostDelayMs',
  'sameSite',
] as const;
const GOAL = /^\s*(?:research|investigate|study)\s+(?:on\s+|about\s+|into\s+)?(.+)$/i;

/** Collection may wait on slow hosts and politeness delays; give it more time than the default. */
const COLLECT_TIMEOUT_MS = 30 * 60_000;

function limitsOf(options: MissionOptions): Record<string, number | boolean> {
  const source = (options.limits && typeof options.limits === 'object' ? options.limits : options) as Record<
    string,
    unknown
  >;
  const limits: Record<string, number | boolean> = {};
  for (const key of LIMIT_KEYS) {
    const value = source[key];
    if (typeof value === 'number' || typeof value === 'boolean') limits[key] = value;
    else if (typeof value === 'string' && value.trim() !== '') {
      limits[key] = key === 'sameSite' ? value === 'true' || value === '1' : Number(value);
    }
  }
  return limits;
}

function creativeTail(options: MissionOptions, topic: string): PlanStep[] {
  if (typeof options.creative !== 'string' || !options.creative) return [];
  const format = contentFormat(options.creative);
  if (!format) {
    throw new MagnaError('MISSION_PLAN_INVALID', `Unknown creative format ${options.creative}.`, {
      details: { creative: options.creative },
    });
  }
  return creativeSteps(format, topic, ['analyze', 'knowledge'], options);
}

export const researchTemplate: PlanTemplate = {
  name: 'research',
  description: 'Collects the given sources, analyses them and writes a cited report (Markdown and HTML).',
  example: 'research home battery storage market --sources https://example.com/',
  matches(goal) {
    return GOAL.test(goal);
  },
  plan(goal, options): Plan {
    const topic = GOAL.exec(goal)?.[1]?.trim() ?? '';
    if (!topic)
      throw new MagnaError(
        'MISSION_PLAN_INVALID',
        'A research goal needs a topic, e.g. "research home batteries".',
      );
    const sources = (options.sources ?? []).map((s) => s.trim()).filter(Boolean);
    if (sources.length === 0) {
      throw new MagnaError(
        'RESEARCH_NO_SOURCES',
        'A research mission needs sources: pass --sources <urls or paths>.',
        {
          details: { goal },
        },
      );
    }
    const limits = limitsOf(options);
    return {
      template: 'research',
      steps: [
        {
          key: 'collect',
          skill: 'research.collect',
          input: { topic, sources, ...(Object.keys(limits).length > 0 ? { limits } : {}) },
          timeoutMs: COLLECT_TIMEOUT_MS,
        },
        { key: 'analyze', skill: 'research.analyze', input: { topic }, dependsOn: ['collect'] },
        // The collected sources flow into the shared knowledge base beside the analysis.
        {
          key: 'knowledge',
          skill: 'knowledge.ingest',
          input: typeof options.namespace === 'string' ? { namespace: options.namespace } : {},
          dependsOn: ['collect'],
        },
        { key: 'report', skill: 'research.report', input: { topic }, dependsOn: ['analyze', 'knowledge'] },
        // `--creative <format>` ends the mission with cited content and a social card.
        ...creativeTail(options, topic),
      ],
    };
  },
};
