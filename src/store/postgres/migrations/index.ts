import { checkMigrationList, type Migration } from '../../migration.js';
import { migration001 } from './001_queue.js';
import { migration002 } from './002_runtime.js';
import { migration003 } from './003_bus.js';
import { migration004 } from './004_security.js';

/**
 * Every PostgreSQL migration in order. Append only; numbered on their own (the PostgreSQL schema
 * started later, so SQLite's additive steps are folded into the first versions here).
 */
export const postgresMigrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
];

checkMigrationList(postgresMigrations);
