import { CitationChecker } from '../../research/report/citations.js';
import { Computations, quote } from '../../research/report/format.js';
import type { DroppedClaim, ReportClaim } from '../../research/report/types.js';
import { type ContentFact, type Evidence, factKey } from '../evidence.js';
import { capitalize, joinPhrases, quoteLead, verbPhrase } from './phrasing.js';
import { groupBySubject, normalizeName } from './plan.js';
import { AGGREGATION, type ContentRequest } from './request.js';

/**
 * Realisation and checking. Every factual sentence is a claim of the research report's kind and
 * passes its citation check (cited, readable sources; every number in a cited source or computed
 * with its method stated; quotations verbatim). Content adds one rule the report does not need:
 * the names a sentence states (its subject, an entity object, a text value) must appear in a
 * cited source, since templates, unlike quotations, put names beside numbers.
 */
export interface ContentSentence {
  claim: ReportClaim;
  facts: ContentFact[];
}

const ONE_FACT_FORMATS = new Set<ContentRequest['format']>(['faq', 'social', 'headlines']);

export const CONFIDENCE_METHOD = 'extraction confidence × source trust';

function claimOf(
  id: string,
  text: string,
  facts: ContentFact[],
  computed: ReportClaim['computed'] = [],
): ReportClaim {
  return {
    id,
    section: 'findings',
    text,
    citations: [...new Set(facts.flatMap((f) => f.sources))].sort(),
    basis: 'sources',
    computed,
    author: 'template',
  };
}

/** One sentence stating one fact. */
export function realize(
  fact: ContentFact,
  request: ContentRequest,
  id: string,
  options: { headline?: boolean } = {},
): ReportClaim {
  const key = `${request.format}|${request.tone}|${options.headline ? 'headline' : 'body'}`;
  if (fact.kind === 'finding') {
    const body = quote(fact.sentence ?? fact.value);
    return claimOf(
      id,
      options.headline ? body : `${quoteLead(request.tone, `${factKey(fact)}|${key}`)} ${body}`,
      [fact],
    );
  }
  const text = `${capitalize(fact.subject)} ${verbPhrase(fact, request.audience, key)}`;
  if (options.headline) return claimOf(id, text, [fact]);
  if (request.audience === 'expert' && fact.confidence !== undefined) {
    // Experts see how sure the extraction was; the value is computed, so its method is stated.
    const c = new Computations();
    const shown = c.put(fact.confidence ?? fact.weight, 2, CONFIDENCE_METHOD);
    return claimOf(id, `${text} (confidence ${shown}, ${CONFIDENCE_METHOD}).`, [fact], c.values);
  }
  return claimOf(id, `${text}.`, [fact]);
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Names the sentence states that a cited source must contain. */
function anchors(facts: ContentFact[]): string[] {
  const out: string[] = [];
  for (const fact of facts) {
    if (fact.kind !== 'fact') continue;
    out.push(fact.subject);
    if (fact.objectIsEntity || (fact.number === undefined && !/\d/.test(fact.value))) out.push(fact.value);
  }
  return out;
}

export class ContentChecker {
  private readonly checker: CitationChecker;
  private readonly texts = new Map<string, string>();
  readonly stated = new Set<string>();

  constructor(evidence: Evidence) {
    this.checker = new CitationChecker(evidence.corpus);
    for (const source of evidence.corpus.sources)
      this.texts.set(source.id, normalize(`${source.title}\n${source.text}`));
  }

  reasonToDrop(sentence: ContentSentence): string | undefined {
    const reason = this.checker.reasonToDrop(sentence.claim, this.stated);
    if (reason) return reason;
    const cited = sentence.claim.citations.map((id) => this.texts.get(id) ?? '');
    for (const name of anchors(sentence.facts)) {
      if (!cited.some((text) => text.includes(normalize(name))))
        return `“${name}” is not in the cited sources`;
    }
    return undefined;
  }

  check(sentences: ContentSentence[]): { kept: ContentSentence[]; dropped: DroppedClaim[] } {
    const kept: ContentSentence[] = [];
    const dropped: DroppedClaim[] = [];
    for (const sentence of sentences) {
      const reason = this.reasonToDrop(sentence);
      if (reason) dropped.push({ claim: sentence.claim, reason });
      else {
        kept.push(sentence);
        this.stated.add(sentence.claim.id);
      }
    }
    return { kept, dropped };
  }
}

/**
 * Realises candidates one fact per sentence, checks each, keeps the first `budget` that pass,
 * then groups them by subject and joins up to AGGREGATION[audience] facts about one subject into
 * one sentence ("Acme has 4,500 employees and was founded in 1999."), checked again.
 */
export function writeSentences(
  candidates: ContentFact[],
  request: ContentRequest,
  checker: ContentChecker,
  budget: number,
  nextId: () => string,
  options: { headline?: boolean } = {},
): { sentences: ContentSentence[]; dropped: DroppedClaim[] } {
  const dropped: DroppedClaim[] = [];
  const singles: ContentSentence[] = [];
  for (const fact of candidates) {
    if (singles.length >= budget) break;
    const result = checker.check([{ claim: realize(fact, request, nextId(), options), facts: [fact] }]);
    singles.push(...result.kept);
    dropped.push(...result.dropped);
  }
  // Questions, posts and headlines each state one fact; prose formats join facts per subject.
  const limit = ONE_FACT_FORMATS.has(request.format) ? 1 : AGGREGATION[request.audience];
  if (limit <= 1)
    return { sentences: groupBySubject(singles.map((s) => ({ ...s, fact: s.facts[0]! }))), dropped };
  const grouped = groupBySubject(singles.map((s) => ({ ...s, fact: s.facts[0]! })));
  const out: ContentSentence[] = [];
  let run: ContentSentence[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    if (run.length === 1) out.push(run[0]!);
    else {
      const facts = run.flatMap((s) => s.facts);
      const key = `${request.format}|${request.tone}|body`;
      const phrases = facts.map((f) => verbPhrase(f, request.audience, key));
      const computed = run.flatMap((s) => s.claim.computed);
      const suffix =
        computed.length > 0
          ? ` (confidence ${computed.map((c) => c.value.toFixed(2)).join(', ')}, ${CONFIDENCE_METHOD})`
          : '';
      const joined: ContentSentence = {
        claim: claimOf(
          nextId(),
          `${capitalize(facts[0]!.subject)} ${joinPhrases(phrases)}${suffix}.`,
          facts,
          computed,
        ),
        facts,
      };
      // Should the joined sentence fail, the single sentences (already checked) stand.
      const result = checker.check([joined]);
      out.push(...(result.kept.length > 0 ? result.kept : run));
    }
    run = [];
  };
  for (const sentence of grouped) {
    const fact = sentence.facts[0]!;
    const head = run[0]?.facts[0];
    const joinable =
      fact.kind === 'fact' &&
      head?.kind === 'fact' &&
      normalizeName(head.subject) === normalizeName(fact.subject);
    if (!joinable || run.length >= limit) flush();
    run.push(sentence);
    if (fact.kind !== 'fact') flush();
  }
  flush();
  return { sentences: out, dropped };
}
