import { checkMigrationList, type Migration } from '../../migration.js';
import { migration001 } from './001_queue.js';
import { migration002 } from './002_runtime.js';
import { migration003 } from './003_bus.js';
import { migration004 } from './004_knowledge.js';
import { migration005 } from './005_security.js';
import { migration006 } from './006_bus_leases.js';
import { migration007 } from './007_task_counts.js';

/** Every SQLite migration in order. Append only. */
export const sqliteMigrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
];

checkMigrationList(sqliteMigrations);
