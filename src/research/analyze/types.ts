/** The analysis a research mission writes as `analysis.json`; plain data throughout. */

export interface SentenceRef {
  sourceId: string;
  /** Sentence index within the source's prose. */
  index: number;
}

export interface Keyword {
  term: string;
  /** Sum over sources of TF-IDF. */
  score: number;
  count: number;
  sources: string[];
}

export interface KeyPhrase {
  phrase: string;
  /** RAKE score (sum of word degree/frequency), times 1 + ln(occurrences). */
  score: number;
  count: number;
  sources: string[];
}

export type NamedEntityType = 'person' | 'organization' | 'place';

export interface NamedEntity {
  name: string;
  type: NamedEntityType;
  /** Shorter forms found in the text and counted as this entity ("Keller" for "Maria Keller"). */
  aliases: string[];
  mentions: number;
  sources: string[];
  /** Mean wink-nlp sentiment (-1..1) of the sentences that mention the entity. */
  sentiment: number;
  sentences: SentenceRef[];
}

export type QuantityType = 'money' | 'percent' | 'date' | 'cardinal' | 'ordinal' | 'duration' | 'time';

export interface Quantity extends SentenceRef {
  text: string;
  type: QuantityType;
  value?: number;
}

/** A number stated in prose, with what it measures. */
export interface QuantClaim extends SentenceRef {
  value: number;
  /** As written, e.g. "$1,240 million". */
  raw: string;
  unit: string;
  subject: string;
  /** True when the subject is a named entity rather than a noun phrase. */
  subjectIsEntity: boolean;
  sentence: string;
  /** A year named in the same sentence, for comparing claims about the same period. */
  year?: number;
  /** Noun lemmas of the sentence, for telling whether two claims speak of the same thing. */
  nouns: string[];
}

/** Two sources giving different values for what looks like the same quantity. */
export interface Disagreement {
  a: QuantClaim;
  b: QuantClaim;
  /** |a − b| / max(|a|, |b|) × 100. */
  differencePct: number;
}

export interface SourceSentiment {
  sourceId: string;
  /** Mean sentence sentiment, -1..1. */
  score: number;
  label: 'positive' | 'neutral' | 'negative';
  sentences: number;
}

export interface TopicCluster {
  id: string;
  label: string;
  terms: string[];
  sources: string[];
}

export interface SeriesPoint {
  label: string;
  value: number;
}

export interface Forecast {
  /** The model chosen on the hold-out (linear, log-linear, seasonal-naive). */
  model?: string;
  method: string;
  /** Two-sided prediction-interval level, e.g. 0.95. */
  level: number;
  points: Array<{ label: string; value: number; lower: number; upper: number }>;
}

export interface Gap {
  after: string;
  before: string;
  /** Periods missing between the two labels. */
  missing: number;
}

export interface Anomaly {
  index: number;
  label: string;
  value: number;
  /** Robust z-score: 0.6745 × (x − median) / MAD. */
  z: number;
}

export interface SeriesStats {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1); 0 for n = 1. */
  stdDev: number;
  sum: number;
  first?: number;
  last?: number;
  /** (last − first) / first × 100. */
  changePct?: number;
  /** Period-over-period growth in %, null where the previous value is 0. */
  growthRates?: Array<number | null>;
  meanGrowthPct?: number;
  /** Compound annual growth rate in %: (last / first)^(1 / years between them) − 1. */
  cagrPct?: number;
  /** Years from the first to the last observation (real dates, gaps included). */
  spanYears?: number;
  /** Missing periods between observations. */
  gaps?: Gap[];
  /** The series does not vary: described, not modelled (no trend, R², forecast). */
  constant?: boolean;
  /** Least squares on real time: slope per year when `perYear`. */
  trend?: { slope: number; intercept: number; r2: number; perYear?: boolean };
  /** Forecast models scored on the hold-out, best first. */
  models?: Array<{ model: string; mase: number; holdout: number }>;
  /** Why no forecast was given (too few points, no model fits). */
  noForecast?: string;
  movingAverage?: { window: number; values: Array<number | null> };
  anomalies: Anomaly[];
  /** How anomalies were scored. */
  anomalyMethod: string;
  forecast?: Forecast;
}

export interface Series {
  id: string;
  name: string;
  sourceId: string;
  /** Index of the table within its source. */
  table: number;
  column: string;
  labelColumn: string;
  unit?: string;
  kind: 'time' | 'category';
  /** 1 yearly, 4 quarterly, 12 monthly; only for time series. */
  periodsPerYear?: number;
  points: SeriesPoint[];
  stats: SeriesStats;
}

export interface AnalysisSource {
  id: string;
  title: string;
  url: string;
  language?: string;
  sentences: number;
  words: number;
}

export interface Analysis {
  topic: string;
  corpusCreatedAt: string;
  sources: AnalysisSource[];
  keywords: Keyword[];
  keyPhrases: KeyPhrase[];
  entities: NamedEntity[];
  quantities: Quantity[];
  claims: QuantClaim[];
  sentiment: SourceSentiment[];
  topics: TopicCluster[];
  series: Series[];
  disagreements: Disagreement[];
  /** Limits of the analysis worth telling the reader (e.g. a non-English source). */
  notes: string[];
}
