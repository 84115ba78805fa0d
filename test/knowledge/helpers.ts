import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.js';
import { EventHub } from '../../src/core/events.js';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../src/knowledge/knowledge-base.js';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import type { TextCipher } from '../../src/store/sqlite/knowledge-rows.js';
import { SqliteKnowledgeStore } from '../../src/store/sqlite/knowledge-store.js';

export interface TestKb {
  kb: KnowledgeBase;
  db: SqliteDatabase;
  clock: ManualClock;
  events: EventHub;
  close(): void;
}

/** A knowledge base on a fresh in-memory (or given) SQLite database with a manual clock. */
export function testKb(
  options: Omit<KnowledgeBaseOptions, 'clock' | 'events'> & { path?: string; encryptor?: TextCipher } = {},
): TestKb {
  const { path, encryptor, ...rest } = options;
  const db = openSqlite(path ?? ':memory:');
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const events = new EventHub();
  const kb = new KnowledgeBase(new SqliteKnowledgeStore(db, encryptor), { ...rest, clock, events });
  return { kb, db, clock, events, close: () => db.close() };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'magna-kb-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Row counts of every knowledge table: "nothing was written" is these being unchanged. */
export function tableCounts(db: SqliteDatabase): Record<string, number> {
  const tables = [
    'kb_documents',
    'kb_chunks',
    'kb_entities',
    'kb_aliases',
    'kb_mentions',
    'kb_facts',
    'kb_conflicts',
    'kb_merges',
    'kb_grants',
  ];
  return Object.fromEntries(
    tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );
}

export const ACME = {
  source: 'https://example.com/acme',
  title: 'Acme Corp',
  text: 'Acme Corp acquired Widget Inc. for $2.5 billion on March 3, 2021. Jane Smith is the CEO of Acme Corp. Acme was founded in 1999 in Berlin, Germany. It has 4,500 employees. The price of Widget Pro is $49.',
};
