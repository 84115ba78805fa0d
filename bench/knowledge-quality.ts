import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SYSTEM_PRINCIPAL } from '../src/core/principal.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { SqliteKnowledgeStore } from '../src/store/sqlite/knowledge-store.js';

/**
 * Answer recall@k on HotpotQA-50 (distractor paragraphs of 50 questions pooled into one 500-
 * paragraph corpus; see the data set's README). Definition used here:
 *
 *   recall@k = share of questions for which the gold answer string, normalised (Unicode NFKD,
 *   diacritics removed, lower case, runs of white space collapsed), is a substring of at least
 *   one of the top-k passages retrieved from the whole corpus, equally normalised.
 *
 * Questions whose gold answer is "yes" or "no" are left out (a substring test says nothing for
 * them), which leaves 49. Passages are the knowledge base's chunks; a paragraph longer than
 * the chunk size (2,000 characters) spans two chunks, which can only make recall harder.
 * The baseline is plain FTS5 BM25 on the same paragraphs: one fts5(text) table with the default
 * tokenizer, the question's words OR-ed, ORDER BY rank.
 */
export interface QualityFigures {
  questions: number;
  system: { r1: number; r5: number; r10: number };
  baseline: { r1: number; r5: number; r10: number };
  ingestMs: number;
  queryMsP50: number;
}

export function normalise(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function hotpotAvailable(datasets: string): boolean {
  return (
    existsSync(join(datasets, 'hotpotqa-50', 'corpus.json')) &&
    existsSync(join(datasets, 'hotpotqa-50', 'qa_pairs.json'))
  );
}

export async function hotpotQuality(datasets: string): Promise<QualityFigures> {
  const dir = join(datasets, 'hotpotqa-50');
  const corpus = JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')) as string[];
  const qa = (
    JSON.parse(readFileSync(join(dir, 'qa_pairs.json'), 'utf8')) as Array<{
      question: string;
      answer: string;
    }>
  ).filter((q) => !['yes', 'no'].includes(normalise(q.answer)));

  const db = openSqlite(':memory:');
  const kb = new KnowledgeBase(new SqliteKnowledgeStore(db));
  const started = performance.now();
  const documents = corpus.map((text, i) => ({ source: `hotpot:${i}`, text }));
  for (let i = 0; i < documents.length; i += 100) {
    await kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'eval/hotpot', documents: documents.slice(i, i + 100) });
  }
  const ingestMs = performance.now() - started;

  const system = { r1: 0, r5: 0, r10: 0 };
  const times: number[] = [];
  for (const { question, answer } of qa) {
    const t = performance.now();
    const hits = await kb.search(SYSTEM_PRINCIPAL, question, { mode: 'hybrid', limit: 10 });
    times.push(performance.now() - t);
    tally(
      system,
      hits.map((h) => h.text),
      answer,
    );
  }
  db.close();

  const plain = new Database(':memory:');
  plain.exec('CREATE VIRTUAL TABLE p USING fts5(text)');
  const insert = plain.prepare('INSERT INTO p (rowid, text) VALUES (?, ?)');
  for (const [i, text] of corpus.entries()) insert.run(i + 1, text);
  const query = plain.prepare('SELECT text FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10');
  const baseline = { r1: 0, r5: 0, r10: 0 };
  for (const { question, answer } of qa) {
    const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    const rows = query.all(words.map((w) => `"${w}"`).join(' OR ')) as Array<{ text: string }>;
    tally(
      baseline,
      rows.map((r) => r.text),
      answer,
    );
  }
  plain.close();
  const n = qa.length;
  const share = (r: { r1: number; r5: number; r10: number }) => ({
    r1: r.r1 / n,
    r5: r.r5 / n,
    r10: r.r10 / n,
  });
  times.sort((a, b) => a - b);
  return {
    questions: n,
    system: share(system),
    baseline: share(baseline),
    ingestMs,
    queryMsP50: times[Math.floor(times.length / 2)] ?? 0,
  };
}

function tally(acc: { r1: number; r5: number; r10: number }, passages: string[], answer: string): void {
  const gold = normalise(answer);
  const rank = passages.findIndex((p) => normalise(p).includes(gold));
  if (rank === 0) acc.r1++;
  if (rank >= 0 && rank < 5) acc.r5++;
  if (rank >= 0 && rank < 10) acc.r10++;
}
