/**
 * The store's administrative port: what `status`, `backup`, `restore`, `migrate` and `doctor` need
 * from whichever database holds the data. CLI commands and the API speak to this port only; each
 * adapter (sqlite/, postgres/) implements it on its own terms and refuses, with STORE_UNSUPPORTED,
 * what its engine's own tools do better.
 */
export type StoreDialect = 'sqlite' | 'postgres';

export interface StoreStatus {
  dialect: StoreDialect;
  /** A file path, or the database URL without its password. */
  location: string;
  /** Highest migration applied to the database. */
  schemaVersion: number;
  /** Highest migration this build knows. */
  latestVersion: number;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: Array<{ version: number; name: string }>;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  schemaVersion: number;
  files: number;
  sha256: string;
}

export interface BackupContents {
  format: number;
  createdAt: number;
  schemaVersion: number;
  migrations: Array<{ version: number; name: string }>;
  files: Array<{ path: string; size: number; sha256: string }>;
}

export interface RestoreSummary extends BackupContents {
  /** Where the data that was replaced was moved (never deleted), or null when there was none. */
  movedAside: string | null;
}

export interface StoreAdmin {
  readonly dialect: StoreDialect;
  readonly location: string;
  status(): Promise<StoreStatus>;
  /** Applies pending migrations (numbered, append-only, each in its own transaction). */
  migrate(): Promise<MigrationReport>;
  /** An online, consistent backup of the database and the artifacts under `artifactsRoot`. */
  backup(options: { target: string; artifactsRoot: string }): Promise<BackupSummary>;
  /** Checks a backup end to end without changing anything (BACKUP_INVALID says what is wrong). */
  verifyBackup(file: string): Promise<BackupContents>;
  /** Replaces the data in `home` with a verified backup; stop every process using it first. */
  restore(file: string, options: { home: string; force: boolean }): Promise<RestoreSummary>;
  /** Whether the database answers now (readiness). */
  ping(): Promise<boolean>;
}
