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
];
