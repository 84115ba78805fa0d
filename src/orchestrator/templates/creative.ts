import { MagnaError } from '../../core/errors.js';
import type { MissionOptions, Plan, PlanStep, PlanTemplate } from '../plan.js';

/**
 * Creative missions:
 * - `brief <topic>` (also `article`, `faq`, `social posts`, `headlines`, `executive summary`,
 *   `product description`): with --sources, collect → analyse + knowledge ingest → content →
 *   social card; without sources, content and card from the knowledge base (--namespace);
 * - `ideas <problem>`: ranked ideas from the knowledge graph of --namespace;
 * - `card <title>`: a social card, over --image when given.
 */
const FORMATS: Record<string, string> = {
  brief: 'brief',
  article: 'article',
  faq: 'faq',
  'social posts': 'social',
  social: 'social',
  headlines: 'headlines',
  'executive summary': 'executive-summary',
  summary: 'executive-summary',
  'product description': 'product-description',
};
const CONTENT = new RegExp(
  `^\\s*(${Object.keys(FORMATS)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\s+(?:on\\s+|about\\s+|for\\s+)?(.+)$`,
  'i',
);
const IDEAS = /^\s*ideas?\s+(?:for\s+|on\s+|about\s+)?(.+)$/i;
const CARD = /^\s*card\s+(?:for\s+)?(.+)$/i;
/** Collection may wait on slow hosts and politeness delays (as in the research template). */
const COLLECT_TIMEOUT_MS = 30 * 60_000;

function namespaceOf(options: MissionOptions): string | undefined {
  return typeof options.namespace === 'string' && options.namespace ? options.namespace : undefined;
}

function imageOf(options: MissionOptions): string | undefined {
  return typeof options.image === 'string' && options.image ? options.image : undefined;
}

function title(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The content and card steps that close a research mission (used here and by `research … --creative`). */
export function creativeSteps(
  format: string,
  topic: string,
  dependsOn: string[],
  options: MissionOptions,
): PlanStep[] {
  const image = imageOf(options);
  return [
    { key: 'content', skill: 'creative.content', input: { format, topic }, dependsOn },
    {
      key: 'card',
      skill: 'creative.card',
      input: { title: title(topic), ...(image ? { imagePath: image } : {}) },
      dependsOn: ['content'],
    },
  ];
}

export function contentFormat(name: string): string | undefined {
  return FORMATS[name.toLowerCase()] ?? (Object.values(FORMATS).includes(name) ? name : undefined);
}

export const creativeTemplate: PlanTemplate = {
  name: 'creative',
  description:
    'Cited content and a social card from sources or the knowledge base; ranked ideas; social cards.',
  example: 'brief home battery storage --sources https://example.com/',
  matches(goal) {
    return CONTENT.test(goal) || IDEAS.test(goal) || CARD.test(goal);
  },
  plan(goal, options): Plan {
    const namespace = namespaceOf(options);
    const card = CARD.exec(goal);
    if (card) {
      const image = imageOf(options);
      return {
        template: 'creative',
        steps: [
          {
            key: 'card',
            skill: 'creative.card',
            input: { title: card[1]!.trim(), ...(image ? { imagePath: image } : {}) },
          },
        ],
      };
    }
    const ideas = IDEAS.exec(goal);
    if (ideas) {
      return {
        template: 'creative',
        steps: [
          {
            key: 'ideas',
            skill: 'creative.ideas',
            input: { problem: ideas[1]!.trim(), namespaces: [namespace ?? 'default'] },
          },
        ],
      };
    }
    const match = CONTENT.exec(goal);
    const format = contentFormat(match?.[1] ?? '');
    const topic = match?.[2]?.trim() ?? '';
    if (!format || !topic) {
      throw new MagnaError(
        'MISSION_PLAN_INVALID',
        'A creative goal needs a format and a topic, e.g. "brief home batteries".',
      );
    }
    const sources = (options.sources ?? []).map((s) => s.trim()).filter(Boolean);
    if (sources.length === 0) {
      // From what the knowledge base already holds.
      const steps = creativeSteps(format, topic, [], options);
      steps[0]!.input = { ...(steps[0]!.input as object), namespaces: [namespace ?? 'default'] };
      return { template: 'creative', steps };
    }
    return {
      template: 'creative',
      steps: [
        {
          key: 'collect',
          skill: 'research.collect',
          input: { topic, sources },
          timeoutMs: COLLECT_TIMEOUT_MS,
        },
        { key: 'analyze', skill: 'research.analyze', input: { topic }, dependsOn: ['collect'] },
        {
          key: 'knowledge',
          skill: 'knowledge.ingest',
          input: namespace ? { namespace } : {},
          dependsOn: ['collect'],
        },
        ...creativeSteps(format, topic, ['analyze', 'knowledge'], options),
      ],
    };
  },
};
