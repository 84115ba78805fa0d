/**
 * A report is a list of claims, each checked against the corpus before anything is written.
 * Headings and fixed labels are the only text that is not a claim.
 */
export type ReportSection =
  | 'meta'
  | 'summary'
  | 'findings'
  | 'figures'
  | 'entities'
  | 'sentiment'
  | 'topics'
  | 'gaps'
  | 'sources'
  | 'not-collected';

/** A number the report computed, with how; the text prints it with `decimals` decimals. */
export interface ComputedValue {
  value: number;
  decimals: number;
  method: string;
  /** Id of a claim that states the method, when this claim repeats the value (model prose). */
  statedIn?: string;
}

export interface ReportClaim {
  id: string;
  section: ReportSection;
  /** Sub-heading or table the claim belongs to (e.g. a series id). */
  group?: string;
  /** The statement, without citation markers; markers come from `citations`. */
  text: string;
  /** Corpus source ids. */
  citations: string[];
  /**
   * `sources`: a statement about the topic, supported by readable sources' text and tables.
   * `collection`: a statement about the collection itself (counts, failures, the bibliography),
   * supported by the cited records (URL, status, reason, dates).
   */
  basis: 'sources' | 'collection';
  computed: ComputedValue[];
  /** Method text printed with the claim (as a caption for table rows); counts as stated. */
  methodNote?: string;
  /** Table cells, when the claim renders as a table row; `text` is the cells joined. */
  cells?: string[];
  /** Chart id the claim captions. */
  chart?: string;
  /** Who drafted the text: the template generator or a model. */
  author?: 'template' | 'model';
}

export interface DroppedClaim {
  claim: ReportClaim;
  reason: string;
}

export interface ReportChart {
  id: string;
  title: string;
  svg: string;
  /** Claim id of the caption. */
  caption: string;
}
