import { checkMigrationList, type Migration } from '../../migration.js';
import { migration001 } from './001_queue.js';
import { migration002 } from './002_runtime.js';

/** Every SQLite migration in order. Append only. */
export const sqliteMigrations: readonly Migration[] = [migration001, migration002];

checkMigrationList(sqliteMigrations);
