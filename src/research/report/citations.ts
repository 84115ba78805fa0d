import { numbersIn, type ParsedNumber, sameNumber } from '../analyze/numbers.js';
import type { Corpus, CorpusSource } from '../types.js';
import type { DroppedClaim, ReportClaim } from './types.js';

/**
 * The citation check every claim passes before the report is written:
 * - it cites at least one source, and every cited id exists (readable sources for statements
 *   about the topic; any collection record for statements about the collection);
 * - every number in its text appears in a cited source, or is a computed value whose method is
 *   stated with the claim (a model's sentence may repeat a value whose method another claim states);
 * - every quotation (“…”) appears word for word in a cited source.
 * Claims that fail are dropped and returned with the reason, for the caller to log.
 */
export interface CheckResult {
  kept: ReportClaim[];
  dropped: DroppedClaim[];
}

interface Support {
  numbers: ParsedNumber[];
  text: string;
}

/** Lower case, one space, and typographic quotes and dashes made plain, so a straightened quotation still matches. */
function normalizeSpace(text: string): string {
  return text
    .replace(/[‘’‚‛′]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function supportText(source: CorpusSource, basis: ReportClaim['basis']): string {
  const tables = (source.tables ?? [])
    .map((t) => [t.caption ?? '', ...t.headers, ...t.rows.flat()].join(' '))
    .join('\n');
  const content = [source.title, source.text, tables];
  if (basis === 'sources') return content.join('\n');
  const record = [
    source.url,
    source.path,
    source.finalUrl,
    source.reason,
    source.httpStatus,
    source.byline,
    source.publishedAt,
    source.fetchedAt,
    source.language,
  ];
  // ISO times are split at the "T" so their date and time read as numbers.
  const fields = record.filter((v) => v !== undefined).map((v) => String(v).replace(/(\d)T(\d)/g, '$1 $2'));
  return [...content, ...fields].join('\n');
}

export class CitationChecker {
  private readonly byId = new Map<string, CorpusSource>();
  private readonly cache = new Map<string, Support>();

  constructor(corpus: Corpus) {
    for (const source of corpus.sources) this.byId.set(source.id, source);
  }

  private support(source: CorpusSource, basis: ReportClaim['basis']): Support {
    const key = `${basis}:${source.id}`;
    let support = this.cache.get(key);
    if (!support) {
      const text = supportText(source, basis);
      support = { numbers: numbersIn(text), text: normalizeSpace(text) };
      this.cache.set(key, support);
    }
    return support;
  }

  /** Undefined when the claim is supported, else the reason it is not. */
  reasonToDrop(claim: ReportClaim, stated: ReadonlySet<string> = new Set()): string | undefined {
    // A statement about the topic needs a source; one about the collection may rest on computed counts alone.
    if (claim.citations.length === 0 && claim.basis === 'sources') return 'cites no source';
    const cited: CorpusSource[] = [];
    for (const id of claim.citations) {
      const source = this.byId.get(id);
      if (!source) return `cites unknown source ${id}`;
      if (claim.basis === 'sources' && source.status !== 'ok') return `cites ${id}, which was not collected`;
      cited.push(source);
    }
    const supports = cited.map((s) => this.support(s, claim.basis));
    let text = claim.text.replace(/\[\d+\]/g, ' ');
    for (const computed of claim.computed) {
      if (!computed.method.trim()) return `computed value ${computed.value} has no method`;
      const methodShown =
        claim.text.includes(computed.method) ||
        (claim.methodNote?.includes(computed.method) ?? false) ||
        (computed.statedIn !== undefined && stated.has(computed.statedIn));
      if (!methodShown) return `the method of computed value ${computed.value} is not stated`;
      text = text.split(computed.method).join(' ');
    }
    for (const quote of claim.text.matchAll(/“([^”]+)”/g)) {
      const wanted = normalizeSpace(quote[1]!);
      if (!supports.some((s) => s.text.includes(wanted)))
        return `quotation “${quote[1]}” is not in the cited sources`;
    }
    for (const number of numbersIn(text)) {
      const inSource = supports.some((s) => s.numbers.some((n) => sameNumber(n.value, number.value)));
      if (inSource) continue;
      const decimals = /\.(\d+)/.exec(number.raw)?.[1]?.length ?? 0;
      const computed = claim.computed.some(
        (c) =>
          sameNumber(number.value, c.value, Math.max(decimals, 0)) ||
          sameNumber(Math.abs(number.value), Math.abs(c.value), decimals),
      );
      if (!computed) {
        return `number ${number.raw} is neither in cited sources (${claim.citations.join(', ')}) nor a stated computation`;
      }
    }
    return undefined;
  }

  /** Checks claims in order; `stated` holds ids of claims already kept (whose methods are stated). */
  check(claims: ReportClaim[], stated: Set<string> = new Set()): CheckResult {
    const kept: ReportClaim[] = [];
    const dropped: DroppedClaim[] = [];
    for (const claim of claims) {
      const reason = this.reasonToDrop(claim, stated);
      if (reason) dropped.push({ claim, reason });
      else {
        kept.push(claim);
        stated.add(claim.id);
      }
    }
    return { kept, dropped };
  }
}
