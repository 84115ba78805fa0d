import { checkMigrationList, type Migration } from '../../migration.js';
import { migration001 } from './001_queue.js';
import { migration002 } from './002_runtime.js';

/** Every PostgreSQL migration in order, numbered as the SQLite ones. Append only. */
export const postgresMigrations: readonly Migration[] = [migration001, migration002];

checkMigrationList(postgresMigrations);
