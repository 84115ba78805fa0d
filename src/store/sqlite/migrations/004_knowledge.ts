import type { Migration } from '../../migration.js';

/**
 * The knowledge base. Portable by design: plain tables and B-tree indexes that PostgreSQL takes
 * as they are; only the full-text index is engine-specific (FTS5 here, a tsvector column with a
 * GIN index there). Label and scope checks use json_each (jsonb_array_elements_text there).
 */
export const migration004: Migration = {
  version: 4,
  name: 'knowledge',
  sql: `
CREATE TABLE kb_documents (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  source TEXT NOT NULL,
  title TEXT,
  content_hash TEXT NOT NULL,
  version INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  text TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (namespace, source)
);
CREATE INDEX kb_documents_hash ON kb_documents(namespace, content_hash);

-- seq is the full-text rowid; superseded chunks stay for time travel until compaction.
CREATE TABLE kb_chunks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL REFERENCES kb_documents(id),
  namespace TEXT NOT NULL,
  version INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  names TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '[]',
  recorded_at INTEGER NOT NULL,
  superseded_at INTEGER
);
CREATE INDEX kb_chunks_document ON kb_chunks(document_id, version, ordinal);
CREATE INDEX kb_chunks_namespace ON kb_chunks(namespace);

-- names first: a column weight of 2 in bm25() ranks passages about a term above passing mentions.
-- Contentless: the index keeps terms, positions and sizes but no copy of the text, since chunk
-- text may be stored encrypted. The store inserts each chunk's plaintext here itself (a trigger
-- would only see the stored, possibly encrypted, column); contentless_delete=1 lets the delete
-- trigger remove a row by rowid without the original text. The terms themselves remain
-- readable in the index file: encryption hides passages, not the vocabulary.
CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(names, text, content='', contentless_delete=1,
  tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE kb_chunks_vocab USING fts5vocab(kb_chunks_fts, 'row');
CREATE TRIGGER kb_chunks_ad AFTER DELETE ON kb_chunks BEGIN
  DELETE FROM kb_chunks_fts WHERE rowid = old.seq;
END;

CREATE TABLE kb_entities (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  norm TEXT NOT NULL,
  -- first two characters of norm: the blocking key for fuzzy matching
  block TEXT NOT NULL,
  merged_into TEXT REFERENCES kb_entities(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX kb_entities_norm ON kb_entities(namespace, norm);
CREATE INDEX kb_entities_block ON kb_entities(namespace, block, type);

CREATE TABLE kb_aliases (
  entity_id TEXT NOT NULL REFERENCES kb_entities(id),
  alias TEXT NOT NULL,
  norm TEXT NOT NULL,
  PRIMARY KEY (entity_id, norm)
) WITHOUT ROWID;
CREATE INDEX kb_aliases_norm ON kb_aliases(norm);

CREATE TABLE kb_mentions (
  chunk_id TEXT NOT NULL REFERENCES kb_chunks(id),
  entity_id TEXT NOT NULL REFERENCES kb_entities(id),
  role TEXT NOT NULL CHECK (role IN ('subject','mention')),
  count INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (chunk_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX kb_mentions_entity ON kb_mentions(entity_id, role);

CREATE TABLE kb_predicates (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

-- Bitemporal facts: valid_from/valid_to say when it is true in the world, recorded_at and
-- superseded_at when this record was the current belief. A change never updates a row's
-- meaning: the row is superseded and a successor inserted (replaces = the old id).
CREATE TABLE kb_facts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  subject_id TEXT NOT NULL REFERENCES kb_entities(id),
  predicate TEXT NOT NULL REFERENCES kb_predicates(name),
  object_id TEXT REFERENCES kb_entities(id),
  value TEXT,
  value_type TEXT,
  confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  trust REAL NOT NULL DEFAULT 1 CHECK (trust >= 0 AND trust <= 1),
  status TEXT NOT NULL CHECK (status IN ('active','disputed','rejected')),
  valid_from INTEGER,
  valid_to INTEGER,
  recorded_at INTEGER NOT NULL,
  superseded_at INTEGER,
  end_reason TEXT,
  source TEXT,
  document_id TEXT,
  chunk_id TEXT,
  asserted_by TEXT NOT NULL,
  label TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  replaces TEXT,
  CHECK ((object_id IS NULL) <> (value IS NULL))
);
CREATE INDEX kb_facts_slot ON kb_facts(subject_id, predicate) WHERE superseded_at IS NULL;
CREATE INDEX kb_facts_subject_time ON kb_facts(subject_id, recorded_at);
CREATE INDEX kb_facts_object ON kb_facts(object_id) WHERE object_id IS NOT NULL;
CREATE INDEX kb_facts_document ON kb_facts(document_id) WHERE document_id IS NOT NULL;
CREATE INDEX kb_facts_predicate ON kb_facts(predicate, recorded_at) WHERE superseded_at IS NULL;
CREATE UNIQUE INDEX kb_facts_hash ON kb_facts(content_hash) WHERE superseded_at IS NULL;

CREATE TABLE kb_conflicts (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  predicate TEXT NOT NULL,
  policy TEXT NOT NULL,
  resolution TEXT NOT NULL,
  incoming_fact_id TEXT NOT NULL,
  existing_fact_ids TEXT NOT NULL,
  writer TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT
);
CREATE INDEX kb_conflicts_open ON kb_conflicts(namespace, created_at) WHERE resolved_at IS NULL;

CREATE TABLE kb_merges (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  survivor_id TEXT NOT NULL,
  merged_id TEXT NOT NULL,
  moved TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  undone_at INTEGER,
  undone_by TEXT
);

CREATE TABLE kb_grants (
  principal_id TEXT NOT NULL,
  namespace TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('reader','writer','curator','admin')),
  granted_by TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (principal_id, namespace)
) WITHOUT ROWID;

CREATE TABLE kb_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  namespace TEXT,
  target TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX kb_audit_namespace ON kb_audit(namespace, seq);

CREATE TABLE kb_embeddings (
  chunk_id TEXT PRIMARY KEY REFERENCES kb_chunks(id),
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL
);
`,
};
