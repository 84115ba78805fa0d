export { type AccessPolicy, DEFAULT_ACCESS_POLICY, KB_ROLES, ROLE_ABILITIES, type Scope } from './access.js';
export { decideFact, type FactDecision, type FactDraft } from './consistency.js';
export { type EmbeddingProvider, OpenAiEmbeddings } from './embeddings.js';
export { EXPORT_HEADER } from './exchange.js';
export {
  type IngestRequest,
  type IngestResult,
  KnowledgeBase,
  type KnowledgeBaseOptions,
} from './knowledge-base.js';
export {
  MAINTENANCE_TASKS,
  type MaintenanceOptions,
  type MaintenanceReport,
  type MaintenanceTask,
} from './maintenance.js';
export { DEFAULT_NAMESPACE, validateNamespace } from './namespaces.js';
export {
  BUILTIN_PREDICATES,
  CONFLICT_POLICIES,
  type ConflictPolicy,
  type PredicateDefinition,
} from './predicates.js';
export type { EntityView, FactQuery } from './query/graph.js';
export type { SearchMode, SearchOptions } from './query/retrieval.js';
export type { KnowledgeStore } from './store-port.js';
export type * from './types.js';
