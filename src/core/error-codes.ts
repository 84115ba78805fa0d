/**
 * The one registry of stable error codes. A code never changes meaning once released; add new
 * codes, never rename. Each entry maps to an HTTP status (API edge) and a CLI exit code (CLI edge).
 * docs/errors.md is generated from this table and a test checks they agree.
 */
export const ERROR_CODES = {
  // general
  INTERNAL: { http: 500, exit: 1, doc: 'An unexpected failure; the log has the cause.' },
  INVALID_ARGUMENT: { http: 400, exit: 2, doc: 'A value given by the caller is malformed or out of range.' },
  NOT_FOUND: { http: 404, exit: 3, doc: 'The named record does not exist.' },
  CONFLICT: { http: 409, exit: 4, doc: 'The request conflicts with the current state of the record.' },
  UNAVAILABLE: {
    http: 503,
    exit: 5,
    doc: 'A dependency (store, broker, host) cannot be reached now; retry later.',
  },
  TIMEOUT: { http: 504, exit: 6, doc: 'The operation did not finish within its time limit.' },
  CANCELLED: { http: 409, exit: 7, doc: 'The operation was cancelled.' },
  // config
  CONFIG_INVALID: {
    http: 500,
    exit: 78,
    doc: 'The configuration file or environment is malformed; the message names the field.',
  },
  // store
  STORE_SCHEMA_TOO_NEW: {
    http: 500,
    exit: 75,
    doc: 'The database was written by a newer Magnatronic; upgrade before opening it.',
  },
  STORE_MIGRATION_FAILED: {
    http: 500,
    exit: 75,
    doc: 'A schema migration failed and was rolled back; the database is unchanged.',
  },
  STORE_CORRUPT: { http: 500, exit: 75, doc: 'The database file is not a valid Magnatronic database.' },
  STORE_FULL: {
    http: 507,
    exit: 74,
    doc: 'The disk is full; the write was rolled back and nothing stored was lost.',
  },
  // queue
  QUEUE_UNKNOWN_SKILL: { http: 400, exit: 2, doc: 'No registered skill has this name.' },
  QUEUE_INVALID_INPUT: { http: 400, exit: 2, doc: "A task's input does not match its skill's input schema." },
  QUEUE_INVALID_TASK: {
    http: 400,
    exit: 2,
    doc: 'A task option (priority, attempts, timeout, dependency) is invalid.',
  },
  QUEUE_LEASE_LOST: {
    http: 409,
    exit: 4,
    doc: 'The worker no longer holds the lease on this attempt; another attempt owns the task.',
  },
  QUEUE_TASK_STATE: { http: 409, exit: 4, doc: 'The task is not in a state that allows this action.' },
  QUEUE_HANDLER_FAILED: {
    http: 500,
    exit: 1,
    doc: "A skill's handler threw; the task is retried or dead-lettered.",
  },
  QUEUE_OUTPUT_INVALID: {
    http: 500,
    exit: 1,
    doc: "A skill's handler returned output that does not match its output schema.",
  },
  // bus
  BUS_INVALID_ENVELOPE: {
    http: 400,
    exit: 2,
    doc: 'A message envelope is malformed; the message names the field.',
  },
  BUS_NO_RECEIVER: { http: 404, exit: 3, doc: 'No agent, role or subscriber can receive the message.' },
  BUS_TIMEOUT: { http: 504, exit: 6, doc: 'No reply arrived before the request timed out.' },
  BUS_EXPIRED: { http: 410, exit: 4, doc: 'The message expired before it was delivered.' },
  BUS_HANDLER_FAILED: {
    http: 500,
    exit: 1,
    doc: "A receiver's message handler threw; a request gets a failure reply, a durable message is redelivered and dead-lettered after repeated failures.",
  },
  // missions and agents
  MISSION_PLAN_INVALID: {
    http: 400,
    exit: 2,
    doc: 'The planner produced, or was given, a plan that is not a valid DAG.',
  },
  MISSION_NO_PLANNER: { http: 400, exit: 2, doc: 'No planner template matches the goal.' },
  MISSION_FAILED: { http: 500, exit: 1, doc: 'The mission ended with failed or cancelled tasks.' },
  AGENT_INVALID: { http: 400, exit: 2, doc: 'An agent definition is invalid (name, skills, schemas).' },
  // research
  RESEARCH_NO_SOURCES: { http: 400, exit: 2, doc: 'A research mission has no usable sources.' },
  RESEARCH_SOURCE_FORBIDDEN: {
    http: 403,
    exit: 77,
    doc: 'The source policy refuses this URL or path for the caller (internal address, path outside sources.localRoots, denied host); nothing was requested.',
  },
  REPORT_UNSUPPORTED_CLAIM: {
    http: 500,
    exit: 1,
    doc: 'A report claim is not supported by a cited source and was dropped.',
  },
  // knowledge
  KB_INVALID_DOCUMENT: { http: 400, exit: 2, doc: 'A document is malformed or too large.' },
  KB_INVALID_NAMESPACE: {
    http: 400,
    exit: 2,
    doc: 'A namespace is not of the form org/team/project (lowercase segments).',
  },
  KB_UNKNOWN_PREDICATE: { http: 400, exit: 2, doc: 'The predicate is not in the predicate registry.' },
  KB_VERSION_CONFLICT: {
    http: 409,
    exit: 4,
    doc: 'The record changed since it was read; re-read and retry.',
  },
  KB_FORBIDDEN: { http: 403, exit: 77, doc: 'The principal may not access this namespace.' },
  // security and api
  AUTH_REQUIRED: { http: 401, exit: 77, doc: 'No valid credentials were given.' },
  AUTH_INVALID: { http: 401, exit: 77, doc: 'The key or token is unknown, expired or revoked.' },
  FORBIDDEN: { http: 403, exit: 77, doc: "The principal's role does not allow this action." },
  RATE_LIMITED: { http: 429, exit: 75, doc: 'Too many requests; wait for Retry-After seconds.' },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2, doc: 'The request body is larger than the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    http: 415,
    exit: 2,
    doc: 'The request body has a content type the API does not read; send application/json.',
  },
  CRYPTO_KEY_MISSING: {
    http: 500,
    exit: 78,
    doc: 'Encrypted data exists but no encryption key is configured.',
  },
  CRYPTO_KEY_MISMATCH: {
    http: 500,
    exit: 78,
    doc: 'The configured encryption key is not the one this data was encrypted under; the start stops before anything is served or written.',
  },
  CRYPTO_DECRYPT_FAILED: {
    http: 500,
    exit: 1,
    doc: 'Data could not be decrypted: wrong key or tampered ciphertext.',
  },
  AUDIT_CHAIN_BROKEN: {
    http: 500,
    exit: 1,
    doc: 'The audit log hash chain does not verify; a record was altered or removed.',
  },
  BACKUP_INVALID: {
    http: 400,
    exit: 2,
    doc: 'A backup file is damaged, truncated or from an incompatible schema.',
  },
  LLM_UNAVAILABLE: { http: 503, exit: 5, doc: 'The configured model provider cannot be reached.' },
  RESEARCH_NO_USABLE_SOURCES: {
    http: 422,
    exit: 1,
    doc: 'No source of a research mission could be read; the error lists each source with its reason.',
  },
  HOME_NOT_FOUND: {
    http: 404,
    exit: 3,
    doc: 'No Magnatronic home (data directory with a database) at the given path; only start, run, demo, kb ingest, kb import and keys create make one.',
  },
  SERVER_PORT_IN_USE: {
    http: 500,
    exit: 75,
    doc: 'Another process listens on the API port; stop it or choose another port (server.port, MAGNA_SERVER_PORT).',
  },
  STORE_REPLACED: {
    http: 503,
    exit: 75,
    doc: 'The database file this process opened was replaced or removed (a restore, a copy); the process stopped so no write goes to the old file.',
  },
  HOME_IN_USE: {
    http: 409,
    exit: 4,
    doc: 'Live processes hold the home (listed in the message); stop them first, or pass --stop-processes to restore.',
  },
  STEP_OUTPUT_EMPTY: {
    http: 422,
    exit: 1,
    doc: 'A step had no content to work on where its mission needs some (e.g. a corpus with no readable source).',
  },
  STORE_UNSUPPORTED: {
    http: 501,
    exit: 2,
    doc: "The configured store (SQLite or PostgreSQL) does not offer this operation; the message names the store's own tool.",
  },
  LLM_RATE_LIMITED: {
    http: 429,
    exit: 5,
    doc: 'The model provider kept answering HTTP 429 after the allowed retries; try again later.',
  },
  CREATIVE_NO_FACTS: {
    http: 422,
    exit: 2,
    doc: 'The knowledge base or research input holds no facts to write about; ingest sources first.',
  },
  IMAGE_INVALID: {
    http: 422,
    exit: 2,
    doc: 'An image cannot be decoded: it is corrupt, truncated or empty. Nothing was stored.',
  },
  IMAGE_TOO_LARGE: {
    http: 413,
    exit: 2,
    doc: 'An image exceeds the pixel limit (a decompression bomb guard) or the byte limit. Nothing was stored.',
  },
  IMAGE_UNSUPPORTED_FORMAT: {
    http: 415,
    exit: 2,
    doc: 'An image is in a format the design tools do not read or write (PNG, JPEG, WebP, AVIF, GIF, TIFF, SVG in; PNG, JPEG, WebP, AVIF out).',
  },
} as const satisfies Record<string, { http: number; exit: number; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
