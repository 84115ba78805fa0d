import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '../src/core/principal.js';
import { SYSTEM_PRINCIPAL } from '../src/core/principal.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { openSqlite, type SqliteDatabase } from '../src/store/sqlite/database.js';
import { SqliteKnowledgeStore } from '../src/store/sqlite/knowledge-store.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { percentile } from './harness.js';

/**
 * A synthetic corpus with a Zipf-like word distribution (30,000 pseudo-words, word i drawn with
 * probability ∝ 1/(i+1)), one ~600-character chunk per document, deterministic from a seed.
 * Queries are three words from the middle of the distribution (ranks 100-5,000) plus, half the
 * time, one very common word, the shape of real keyword queries.
 */

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'to',
  'vi',
  'ze',
  'bo',
  'da',
  'fe',
  'gu',
  'hi',
  'jo',
  'pe',
  'qua',
  'ri',
  'su',
  'te',
  'xo',
  'yu',
];

function vocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

export class SyntheticCorpus {
  private readonly random: () => number;
  readonly words: string[];
  private readonly cumulative: number[];
  private count = 0;

  constructor(seed = 42) {
    this.random = seededRandom(seed);
    this.words = vocabulary(30_000, this.random);
    let sum = 0;
    this.cumulative = this.words.map((_, i) => (sum += 1 / (i + 1)));
  }

  private word(): string {
    const r = this.random() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  document(): { source: string; title: string; text: string } {
    const id = this.count++;
    const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
    const title = `${cap(this.word())} ${cap(this.word())}`;
    const sentences: string[] = [];
    for (let s = 0; s < 5; s++) {
      const n = 14 + Math.floor(this.random() * 8);
      const words = Array.from({ length: n }, () => this.word());
      sentences.push(`${cap(words.join(' '))}.`);
    }
    return { source: `synthetic:${id}`, title, text: `${title} ${sentences.join(' ')}` };
  }

  query(): string {
    const pick = () => this.words[100 + Math.floor(this.random() * 4900)]!;
    const q = [pick(), pick(), pick()];
    if (this.random() < 0.5) q.push(this.words[Math.floor(this.random() * 20)]!);
    return q.join(' ');
  }
}

export interface LatencyRow {
  chunks: number;
  ingestDocsPerSec: number;
  keyword: { p50: number; p95: number };
  keywordScoped: { p50: number; p95: number };
  hybrid: { p50: number; p95: number };
  rawFts: { p50: number; p95: number };
  rawFtsSameWords: { p50: number; p95: number };
}

/** Builds the corpus up to each size in turn (index-only ingest) and measures search at each. */
export async function syntheticLatency(sizes: number[], queries: number): Promise<LatencyRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'magna-kb-bench-'));
  const db = openSqlite(join(dir, 'kb.db'));
  const kb = new KnowledgeBase(new SqliteKnowledgeStore(db));
  const reader: Principal = { id: 'key:bench-reader', role: 'viewer' };
  await kb.grant(SYSTEM_PRINCIPAL, { principalId: reader.id, namespace: 'bench/a', role: 'reader' });
  const corpus = new SyntheticCorpus(7);
  const rows: LatencyRow[] = [];
  let total = 0;
  try {
    for (const size of sizes) {
      const started = performance.now();
      const added = size - total;
      for (let i = 0; i < added; i += 500) {
        const batch = Array.from({ length: Math.min(500, added - i) }, () => corpus.document());
        // Two namespaces, so the scoped reader below sees half of the corpus.
        await kb.ingest(SYSTEM_PRINCIPAL, {
          namespace: (i / 500) % 2 === 0 ? 'bench/a' : 'bench/b',
          documents: batch,
          extract: false,
        });
      }
      const ingestMs = performance.now() - started;
      total = size;
      const qs = Array.from({ length: queries }, () => corpus.query());
      rows.push({
        chunks: total,
        ingestDocsPerSec: added / (ingestMs / 1000),
        keyword: await timeAll(qs, (q) => kb.search(SYSTEM_PRINCIPAL, q, { mode: 'keyword', limit: 10 })),
        keywordScoped: await timeAll(qs, (q) => kb.search(reader, q, { mode: 'keyword', limit: 10 })),
        hybrid: await timeAll(qs.slice(0, Math.max(20, Math.floor(queries / 3))), (q) =>
          kb.search(SYSTEM_PRINCIPAL, q, { mode: 'hybrid', limit: 10 }),
        ),
        rawFts: await timeAll(qs, async (q) => rawFts(db, q)),
        rawFtsSameWords: await timeAll(qs, async (q) => rawFts(db, specificWords(db, q, total))),
      });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The reference: the same words OR-ed straight into FTS5, top 10 by rank, no join, no scope. */
function rawFts(db: SqliteDatabase, query: string): unknown[] {
  const match = query
    .split(/\s+/)
    .map((w) => `"${w}"`)
    .join(' OR ');
  return db
    .prepare('SELECT rowid FROM kb_chunks_fts WHERE kb_chunks_fts MATCH ? ORDER BY rank LIMIT 10')
    .all(match);
}

/** The words kb keyword search keeps: in at most 10% of chunks (or 50), by the FTS5 vocabulary. */
function specificWords(db: SqliteDatabase, query: string, total: number): string {
  const words = query.split(/\s+/);
  const lookup = db.prepare('SELECT doc FROM kb_chunks_vocab WHERE term = ?');
  const kept = words.filter((w) => {
    const df = (lookup.get(w) as { doc: number } | undefined)?.doc ?? 0;
    return df > 0 && !(df > 50 && df / total > 0.1);
  });
  return (kept.length > 0 ? kept : words).join(' ');
}

async function timeAll(
  queries: string[],
  fn: (q: string) => Promise<unknown> | unknown,
): Promise<{ p50: number; p95: number }> {
  for (const q of queries.slice(0, 5)) await fn(q); // warm the statement cache and pages
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await fn(q);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}
