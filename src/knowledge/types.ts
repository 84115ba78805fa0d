/**
 * The knowledge model. Every record lives in one namespace (`org/team/project`); records derived
 * from several sources also carry a label: the namespaces of all their sources, every one of
 * which a reader must be allowed to read (the strictest label wins).
 */

export type KbRole = 'reader' | 'writer' | 'curator' | 'admin';

export interface KbDocument {
  id: string;
  namespace: string;
  source: string;
  title: string | null;
  contentHash: string;
  version: number;
  metadata: Record<string, unknown>;
  text: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface KbChunk {
  id: string;
  documentId: string;
  namespace: string;
  /** The document version this chunk was cut from. */
  version: number;
  ordinal: number;
  text: string;
  start: number;
  end: number;
  /** Names of what the chunk is about (document title, lead subject, its aliases). */
  names: string[];
  category: string[];
  recordedAt: number;
  supersededAt: number | null;
}

export type EntityType = 'person' | 'organization' | 'place' | 'work' | 'thing';

export interface KbEntity {
  id: string;
  namespace: string;
  type: EntityType;
  name: string;
  aliases: string[];
  /** Set when this entity was merged into another; it then resolves to that one. */
  mergedInto: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type FactStatus = 'active' | 'disputed' | 'rejected';
export type FactEndReason = 'superseded' | 'retracted' | 'expired' | 'revised' | 'corrected';
export type ValueType = 'string' | 'number' | 'date' | 'money' | 'quantity' | 'boolean';

export interface KbFact {
  id: string;
  namespace: string;
  subjectId: string;
  predicate: string;
  /** The object when it is an entity. */
  objectId: string | null;
  /** The object when it is a literal. */
  value: string | number | boolean | null;
  valueType: ValueType | null;
  confidence: number;
  /** Trust in the source, 0..1; the highest-confidence policy ranks by confidence × trust. */
  trust: number;
  status: FactStatus;
  /** When it is true in the world (ms); null means unbounded. */
  validFrom: number | null;
  validTo: number | null;
  /** When we learned it, and when this record stopped being current. */
  recordedAt: number;
  supersededAt: number | null;
  endReason: FactEndReason | null;
  source: string | null;
  documentId: string | null;
  chunkId: string | null;
  assertedBy: string;
  label: string[];
  contentHash: string;
  /** The record this one replaced (a bitemporal successor). */
  replaces: string | null;
}

export type ConflictResolution =
  | 'superseded-existing'
  | 'kept-existing'
  | 'replaced-existing'
  | 'disputed'
  | 'historical';

export interface KbConflict {
  id: string;
  namespace: string;
  subjectId: string;
  predicate: string;
  policy: string;
  resolution: ConflictResolution;
  incomingFactId: string;
  existingFactIds: string[];
  writer: string;
  label: string[];
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
}

export interface KbMerge {
  id: string;
  namespace: string;
  survivorId: string;
  mergedId: string;
  actor: string;
  createdAt: number;
  undoneAt: number | null;
  /** What moved, so the merge can be undone exactly. */
  moved: MergeMoves;
}

export interface MergeMoves {
  /** Mentions of the merged entity; where the survivor already had one, its prior role and count. */
  mentions: Array<{
    chunkId: string;
    role: string;
    count: number;
    survivor?: { role: string; count: number };
  }>;
  factSubjects: string[];
  factObjects: string[];
  /** Aliases moved from the merged entity to the survivor (norms). */
  aliases: Array<{ alias: string; norm: string }>;
  /** Aliases the merge added to the survivor (the merged entity's own name). */
  addedAliases: Array<{ alias: string; norm: string }>;
}

export interface KbAuditRecord {
  seq: number;
  at: number;
  actor: string;
  action: string;
  namespace: string | null;
  target: string | null;
  detail: Record<string, unknown>;
}

export interface KbGrant {
  principalId: string;
  namespace: string;
  role: KbRole;
  grantedBy: string;
  grantedAt: number;
}

// ---- inputs -----------------------------------------------------------------------------

export interface DocumentInput {
  source: string;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
}

export interface FactInput {
  namespace: string;
  subject: string | { id: string };
  predicate: string;
  /** An entity name or id for entity-valued predicates. */
  object?: string | { id: string };
  value?: string | number | boolean;
  confidence?: number;
  trust?: number;
  validFrom?: number | string;
  validTo?: number | string;
  source?: string;
  /** Chunks this fact was derived from; their namespaces form its label. */
  chunkIds?: string[];
}

// ---- results ----------------------------------------------------------------------------

export interface FactWriteResult {
  fact: KbFact;
  created: boolean;
  conflicts: KbConflict[];
}

export interface DocumentWriteResult {
  documentId: string;
  namespace: string;
  source: string;
  version: number;
  /** false when an identical document (same content hash) was already stored. */
  created: boolean;
  unchanged: boolean;
  chunks: number;
  entities: number;
  facts: number;
  conflicts: KbConflict[];
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  namespace: string;
  source: string;
  title: string | null;
  text: string;
  score: number;
  signals?: Record<string, number | string>;
}

export interface Citation {
  chunkId: string;
  documentId: string;
  source: string;
  title: string | null;
  namespace: string;
}

export interface Answer {
  question: string;
  found: boolean;
  answer: string | null;
  sentences: Array<{ text: string; citation: Citation; score: number }>;
  confidence: number;
  citations: Citation[];
  /** The namespaces the answer was drawn from: the reader must hold all of them. */
  label: string[];
  /** The kind of span the question asks for (person, organisation, place, date, number, ...). */
  expectedType?: string;
  /** When nothing was found: the best passages read, for the reader to judge. */
  passages?: Array<{ text: string; citation: Citation; score: number }>;
  /**
   * Other values of the same kind that other documents give nearly as strongly (the sources
   * disagree): shown beside the answer rather than hidden behind it.
   */
  alternatives?: Array<{ text: string; sentence: string; citation: Citation }>;
  /** The features the confidence was computed from (see query/confidence.ts). */
  signals?: Record<string, number>;
}

export interface GraphNode {
  id: string;
  name: string;
  type: EntityType;
  namespace: string;
  depth: number;
}

export interface GraphEdge {
  factId: string;
  from: string;
  to: string;
  predicate: string;
}

export interface Neighbourhood {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
