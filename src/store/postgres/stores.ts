import { MagnaError } from '../../core/errors.js';
import type { StoreAdmin } from '../admin-port.js';
import type { DatabaseConfig, StoreOptions, Stores } from '../stores.js';
import { PostgresStoreAdmin } from './admin.js';
import { createPool, redactUrl } from './connection.js';

export async function openPostgresAdmin(
  config: DatabaseConfig,
): Promise<StoreAdmin & { close(): Promise<void> }> {
  const pool = createPool(config);
  const admin = new PostgresStoreAdmin(redactUrl(config.database.url ?? ''), pool);
  return Object.assign(admin, { close: () => pool.end() });
}

export async function openPostgresStores(_config: DatabaseConfig, _options: StoreOptions): Promise<Stores> {
  throw new MagnaError('STORE_UNSUPPORTED', 'PostgreSQL stores are not complete yet.');
}
