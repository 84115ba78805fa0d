/**
 * A schema migration: numbered, append-only, applied once in its own transaction. Never edit a
 * released migration; add the next number instead. Each adapter (sqlite/, postgres/) has its own
 * list with the same numbers and meanings.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
