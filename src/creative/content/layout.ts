import { type ContentFact, factKey } from '../evidence.js';
import { hashtag, heading, pick, postLead, questionFor } from './phrasing.js';
import type { ContentRequest } from './request.js';
import type { ContentSentence } from './sentences.js';

/**
 * Lays checked sentences out as a format: headings, paragraphs, lists, questions and posts.
 * Framing text (titles, headings, questions, post openers, hashtags) states no fact; every
 * factual sentence is one of the checked claims, referenced by id.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; claims: string[] }
  | { kind: 'list'; claims: string[] }
  | { kind: 'qa'; question: string; claims: string[] }
  | { kind: 'post'; lead: string; claims: string[]; tags: string[] };

export interface ContentLayout {
  title: string;
  blocks: Block[];
}

/** Social posts must fit in 280 characters including the citation marker and a source line. */
export const POST_LIMIT = 280;
const POST_RESERVE = 40;

const TITLES: Record<ContentRequest['format'], (topic: string) => string> = {
  brief: (t) => `Brief: ${t}`,
  'executive-summary': (t) => `Executive summary: ${t}`,
  article: (t) => t.charAt(0).toUpperCase() + t.slice(1),
  faq: (t) => `Questions and answers: ${t}`,
  social: (t) => `Social posts: ${t}`,
  headlines: (t) => `Headlines: ${t}`,
  'product-description': (t) => t,
};

function ids(sentences: ContentSentence[]): string[] {
  return sentences.map((s) => s.claim.id);
}

function subjectRuns(sentences: ContentSentence[]): ContentSentence[][] {
  const runs: ContentSentence[][] = [];
  for (const s of sentences) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.facts[0]!.subject === s.facts[0]!.subject) last.push(s);
    else runs.push([s]);
  }
  return runs;
}

export function layoutContent(request: ContentRequest, sentences: ContentSentence[]): ContentLayout {
  const { format, tone } = request;
  const title = TITLES[format](request.subject ?? request.topic);
  const blocks: Block[] = [];
  switch (format) {
    case 'brief': {
      const lead = sentences.slice(0, 2);
      blocks.push({ kind: 'paragraph', claims: ids(lead) });
      if (sentences.length > 2) {
        blocks.push({ kind: 'heading', text: heading('points', tone) });
        blocks.push({ kind: 'list', claims: ids(sentences.slice(2)) });
      }
      break;
    }
    case 'executive-summary': {
      blocks.push({ kind: 'heading', text: heading('summary', tone) });
      blocks.push({ kind: 'paragraph', claims: ids(sentences.slice(0, 1)) });
      if (sentences.length > 1) blocks.push({ kind: 'list', claims: ids(sentences.slice(1)) });
      break;
    }
    case 'article': {
      const runs = subjectRuns(sentences);
      blocks.push({ kind: 'paragraph', claims: ids(runs[0] ?? []) });
      for (const run of runs.slice(1)) {
        const subject = run[0]!.facts[0]!.subject;
        // Findings' subjects are noun phrases from a sentence; a section needs a real name.
        if (run[0]!.facts[0]!.kind === 'fact') blocks.push({ kind: 'heading', text: subject });
        blocks.push({ kind: 'paragraph', claims: ids(run) });
      }
      break;
    }
    case 'faq': {
      for (const s of sentences)
        blocks.push({ kind: 'qa', question: questionFor(s.facts[0]!), claims: [s.claim.id] });
      break;
    }
    case 'social': {
      for (const s of sentences) {
        const fact: ContentFact = s.facts[0]!;
        const lead = postLead(tone, factKey(fact));
        const tags = [hashtag(request.topic), hashtag(fact.subject)].filter(
          (t, i, all) => t && all.indexOf(t) === i,
        );
        const length = lead.length + s.claim.text.length + tags.join(' ').length + POST_RESERVE;
        if (length > POST_LIMIT) continue;
        blocks.push({ kind: 'post', lead, claims: [s.claim.id], tags });
      }
      break;
    }
    case 'headlines': {
      blocks.push({ kind: 'list', claims: ids(sentences) });
      break;
    }
    case 'product-description': {
      const intro = sentences.slice(0, 2);
      blocks.push({ kind: 'paragraph', claims: ids(intro) });
      if (sentences.length > 2) {
        blocks.push({
          kind: 'heading',
          text: pick(['Specifications', 'At a glance'], `${request.subject}|${tone}`),
        });
        blocks.push({ kind: 'list', claims: ids(sentences.slice(2)) });
      }
      break;
    }
  }
  return { title, blocks };
}
