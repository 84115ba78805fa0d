import type { EncryptedColumn } from './store-port.js';

/**
 * Every database column that may hold Encryptor output. Key rotation rewrites exactly these
 * (and the artifact files), so a module that encrypts a column adds it here.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'security_settings', key: 'name', column: 'value' },
  // Envelopes of messages marked sensitive (src/store/sqlite/message-store.ts).
  { table: 'bus_messages', key: 'seq', column: 'envelope' },
  { table: 'bus_dead_letters', key: 'seq', column: 'envelope' },
  // Knowledge-base document and chunk text (src/store/sqlite/knowledge-rows.ts). The full-text
  // index holds no text, so rewriting these rows needs no re-indexing.
  { table: 'kb_documents', key: 'id', column: 'text' },
  { table: 'kb_chunks', key: 'seq', column: 'text' },
];
