import type { Analysis } from '../analyze/types.js';
import type { Corpus, CorpusSource } from '../types.js';
import { Computations, plural, quote } from './format.js';
import type { ReportClaim } from './types.js';

/** Open questions and gaps, the bibliography and the record of what was not collected. */

export function gapClaims(corpus: Corpus, analysis: Analysis, nextId: () => string): ReportClaim[] {
  const out: ReportClaim[] = [];
  for (const d of analysis.disagreements) {
    const year = d.a.year === undefined ? '' : ` for ${d.a.year}`;
    out.push({
      id: nextId(),
      section: 'gaps',
      text: `Sources disagree${year}: ${quote(d.a.sentence)} versus ${quote(d.b.sentence)}`,
      citations: [d.a.sourceId, d.b.sourceId],
      basis: 'sources',
      computed: [],
    });
  }
  const failed = corpus.sources.filter((s) => s.status === 'failed');
  if (failed.length > 0) {
    const c = new Computations();
    const kinds = new Map<string, number>();
    for (const s of failed) kinds.set(s.failure ?? 'error', (kinds.get(s.failure ?? 'error') ?? 0) + 1);
    const breakdown = [...kinds.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([kind, n]) => `${kind} ${c.put(n, 0, 'count of records')}`)
      .join(', ');
    out.push({
      id: nextId(),
      section: 'gaps',
      text: `${c.put(failed.length, 0, 'count of records')} ${plural(failed.length, 'source', 'sources')} could not be collected (count of records), so what they say is missing here: ${breakdown}. Each is listed under Not collected with its reason.`,
      citations: failed.map((s) => s.id),
      basis: 'collection',
      computed: c.values,
    });
  }
  const robots = corpus.sources.filter((s) => s.failure === 'robots');
  if (robots.length > 0) {
    const c = new Computations();
    out.push({
      id: nextId(),
      section: 'gaps',
      text: `${c.put(robots.length, 0, 'count of records')} ${plural(robots.length, 'page was', 'pages were')} not fetched because robots.txt disallows ${plural(robots.length, 'it', 'them')} (count of records).`,
      citations: robots.map((s) => s.id),
      basis: 'collection',
      computed: c.values,
    });
  }
  const limits: Array<[number, string]> = [
    [corpus.notFollowed.pageLimit, 'the page limit'],
    [corpus.notFollowed.depthLimit, 'the depth limit'],
    [corpus.notFollowed.outOfScope, 'leading off the start sites'],
  ];
  for (const [count, why] of limits) {
    if (count === 0) continue;
    const c = new Computations();
    out.push({
      id: nextId(),
      section: 'gaps',
      text: `${c.put(count, 0, 'count of links')} ${plural(count, 'link was', 'links were')} not followed because of ${why} (count of links).`,
      citations: [],
      basis: 'collection',
      computed: c.values,
    });
  }
  for (const source of corpus.sources) {
    if (source.status !== 'ok' || !source.language || source.language === 'en') continue;
    out.push({
      id: nextId(),
      section: 'gaps',
      text: `${source.title} is in language ${source.language}; its text was not analysed (the text analysis is English-only), only its tables.`,
      citations: [source.id],
      basis: 'sources',
      computed: [],
    });
  }
  for (const series of analysis.series) {
    if (series.kind !== 'time' || series.points.length >= 3) continue;
    const c = new Computations();
    out.push({
      id: nextId(),
      section: 'gaps',
      group: series.id,
      text: `${series.name} has only ${c.put(series.points.length, 0, 'count of observations')} observations (count of observations): too few for a trend or forecast.`,
      citations: [series.sourceId],
      basis: 'sources',
      computed: c.values,
    });
  }
  if (analysis.series.length === 0) {
    out.push({
      id: nextId(),
      section: 'gaps',
      text: 'No table with numeric columns was found, so there are no figures to chart.',
      citations: [],
      basis: 'collection',
      computed: [],
    });
  }
  return out;
}

function describe(source: CorpusSource): string {
  const parts = [source.title || source.url, source.path ?? source.url];
  if (source.byline) parts.push(`By ${source.byline}`);
  if (source.publishedAt) parts.push(`Published ${source.publishedAt.slice(0, 10)}`);
  parts.push(`Retrieved ${source.fetchedAt.slice(0, 10)}`);
  return `${parts.join('. ')}.`;
}

export function bibliographyClaims(corpus: Corpus, nextId: () => string): ReportClaim[] {
  const out: ReportClaim[] = [];
  for (const source of corpus.sources) {
    if (source.status === 'ok') {
      out.push({
        id: nextId(),
        section: 'sources',
        text: describe(source),
        citations: [source.id],
        basis: 'collection',
        computed: [],
      });
    }
  }
  for (const source of corpus.sources) {
    if (source.status === 'ok') continue;
    out.push({
      id: nextId(),
      section: 'not-collected',
      text: `${source.path ?? source.url}: ${source.status}, ${source.reason ?? 'no reason recorded'}.`,
      citations: [source.id],
      basis: 'collection',
      computed: [],
    });
  }
  return out;
}
