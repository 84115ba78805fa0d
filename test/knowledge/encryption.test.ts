import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMagnaError } from '../../src/core/errors.js';
import { SYSTEM_PRINCIPAL } from '../../src/core/principal.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openSystem } from '../../src/runtime/system.js';
import { AesGcmEncryptor, generateKey, parseKey } from '../../src/security/encryption.js';
import { rotateEncryption } from '../../src/security/rotation.js';
import { SqliteSecurityStore } from '../../src/store/sqlite/security-store.js';
import { rawDb } from '../support/system.js';
import { type TestKb, tempDir, testKb } from './helpers.js';

// No capitalised names and no numbers: extraction finds no entity or fact here, so nothing of
// the sentence is copied into the (unencrypted) entity, fact or names columns.
const SENTENCE = 'the quiet harbour keeps its zephyrine lanterns burning beneath the cliffs until morning';
const WORD = 'zephyrine';
const DOCUMENTS = [
  { source: 'notes/harbour', text: `Harbour notes. ${SENTENCE}. The ferry leaves at dawn.` },
  { source: 'notes/orchard', text: 'Apples grow in orchards and are harvested in autumn.' },
  { source: 'notes/violin', text: 'The violin has four strings tuned in fifths.' },
];

const keyring = (...keys: string[]) => new AesGcmEncryptor(keys.map(parseKey));

/**
 * The database file and its write-ahead log, read as they are on disk (no checkpoint first, so
 * whatever SQLite has written anywhere is searched).
 */
function rawBytes(path: string): Buffer {
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}

/** Every run of three consecutive words of the sentence, and the sentence itself. */
function phrases(sentence: string): string[] {
  const words = sentence.split(' ');
  const out = [sentence];
  for (let i = 0; i + 3 <= words.length; i++) out.push(words.slice(i, i + 3).join(' '));
  return out;
}

function codeOf(error: unknown): string | undefined {
  return isMagnaError(error) ? error.code : String(error);
}

const open: TestKb[] = [];
const dirs: Array<{ remove(): void }> = [];
function make(options: Parameters<typeof testKb>[0] = {}): TestKb {
  const t = testKb(options);
  open.push(t);
  return t;
}
function dbPath(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir.dir, 'kb.db');
}
afterEach(() => {
  for (const t of open.splice(0)) t.close();
  for (const d of dirs.splice(0)) d.remove();
});

describe('knowledge encryption at rest', () => {
  it('without a key, the text is stored in clear (the raw-file search finds it)', async () => {
    const path = dbPath();
    const t = make({ path, encryptor: keyring() });
    await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    const raw = rawBytes(path);
    for (const phrase of phrases(SENTENCE)) expect(raw.includes(Buffer.from(phrase))).toBe(true);
    const row = t.db.prepare('SELECT text FROM kb_chunks ORDER BY seq LIMIT 1').get() as { text: string };
    expect(row.text).toContain(SENTENCE);
  });

  it('with a key, no passage of a document is in the raw file, yet search and answers read it', async () => {
    const path = dbPath();
    const t = make({ path, encryptor: keyring(generateKey()) });
    await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });

    const raw = rawBytes(path);
    for (const phrase of phrases(SENTENCE)) expect(raw.includes(Buffer.from(phrase)), phrase).toBe(false);
    // Known limitation: the full-text index stores each term (Porter stem) on its own, so a single
    // distinctive word can be found in the file; passages and word order cannot.
    expect(raw.includes(Buffer.from(WORD.slice(0, 6)))).toBe(true);
    const rows = t.db
      .prepare('SELECT text FROM kb_chunks UNION ALL SELECT text FROM kb_documents')
      .all() as Array<{
      text: string;
    }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.text).toMatch(/^enc:v1:[0-9a-f]{16}:/);

    const keyword = await t.kb.search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' });
    expect(keyword[0]?.source).toBe('notes/harbour');
    expect(keyword[0]?.text).toContain(SENTENCE);
    const hybrid = await t.kb.search(SYSTEM_PRINCIPAL, 'what burns beneath the cliffs?');
    expect(hybrid[0]?.source).toBe('notes/harbour');
    const answer = await t.kb.answer(SYSTEM_PRINCIPAL, 'What keeps the zephyrine lanterns burning?');
    expect(answer.found).toBe(true);
    expect(answer.answer?.toLowerCase()).toContain('harbour');
    expect(answer.sentences[0]?.text.toLowerCase()).toContain(SENTENCE);
    expect(answer.citations[0]?.source).toBe('notes/harbour');
    const doc = await t.kb.document(SYSTEM_PRINCIPAL, 'notes/harbour', 'notes');
    expect(doc?.text).toBe(DOCUMENTS[0]!.text);
  });

  it('gives the same results with and without a key', async () => {
    const plain = make({ encryptor: keyring() });
    const sealed = make({ encryptor: keyring(generateKey()) });
    for (const t of [plain, sealed])
      await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    const view = async (t: TestKb) =>
      (await t.kb.search(SYSTEM_PRINCIPAL, 'strings harbour apples', { mode: 'keyword' })).map((h) => [
        h.source,
        h.text,
        h.score,
      ]);
    expect(await view(sealed)).toEqual(await view(plain));
    expect((await view(plain)).length).toBe(3);
  });

  it('a revision and compaction keep the index in step with the encrypted rows', async () => {
    const t = make({ encryptor: keyring(generateKey()) });
    await t.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    await t.kb.putDocument(SYSTEM_PRINCIPAL, 'notes', {
      source: 'notes/violin',
      text: 'The cello has four strings.',
    });
    t.clock.advance(60_000);
    const report = await t.kb.maintain(SYSTEM_PRINCIPAL, { tasks: ['compact', 'integrity'], retainMs: 1 });
    expect(report.compacted?.chunks).toBe(1);
    expect(report.integrity?.ok).toBe(true);
    const hits = await t.kb.search(SYSTEM_PRINCIPAL, 'violin cello', { mode: 'keyword' });
    expect(hits.map((h) => h.text)).toEqual(['The cello has four strings.']);
  });

  it('export decrypts and import re-encrypts: the JSON Lines round trip is identical', async () => {
    const source = make({ encryptor: keyring(generateKey()) });
    await source.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    const exported = await source.kb.exportJsonLinesText(SYSTEM_PRINCIPAL);
    expect(exported).toContain(SENTENCE);
    expect(exported).not.toContain('enc:v1:');
    const otherKey = make({ encryptor: keyring(generateKey()) });
    const plain = make({ encryptor: keyring() });
    for (const target of [otherKey, plain]) {
      await target.kb.importJsonLines(SYSTEM_PRINCIPAL, exported);
      expect(await target.kb.exportJsonLinesText(SYSTEM_PRINCIPAL)).toBe(exported);
      const hits = await target.kb.search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' });
      expect(hits[0]?.text).toContain(SENTENCE);
    }
    const stored = otherKey.db.prepare('SELECT text FROM kb_chunks').all() as Array<{ text: string }>;
    expect(stored.every((r) => r.text.startsWith('enc:v1:'))).toBe(true);
  });

  it('rotation re-encrypts document and chunk text; the old key is then not needed', async () => {
    const path = dbPath();
    const oldKey = generateKey();
    const newKey = generateKey();
    const first = make({ path, encryptor: keyring(oldKey) });
    await first.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    first.close();

    const both = keyring(newKey, oldKey);
    const second = make({ path, encryptor: both });
    const report = await rotateEncryption({
      store: new SqliteSecurityStore(second.db),
      encryptor: both,
      artifactsRoot: join(path, '..', 'no-artifacts'),
    });
    const rewritten = Object.fromEntries(report.columns.map((c) => [`${c.table}.${c.column}`, c.rewritten]));
    expect(rewritten['kb_documents.text']).toBe(DOCUMENTS.length);
    expect(rewritten['kb_chunks.text']).toBe(DOCUMENTS.length);
    second.close();

    const only = keyring(newKey);
    const third = make({ path, encryptor: only });
    const keyIds = third.db
      .prepare('SELECT text FROM kb_chunks UNION ALL SELECT text FROM kb_documents')
      .all()
      .map((r) => only.keyIdOf((r as { text: string }).text));
    expect(new Set(keyIds)).toEqual(new Set([only.currentKeyId]));
    const hits = await third.kb.search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' });
    expect(hits[0]?.text).toContain(SENTENCE);
    expect((await third.kb.document(SYSTEM_PRINCIPAL, 'notes/harbour', 'notes'))?.text).toBe(
      DOCUMENTS[0]!.text,
    );
  });

  it('a wrong key or tampered ciphertext is a coded error, never garbage text', async () => {
    const path = dbPath();
    const key = generateKey();
    const first = make({ path, encryptor: keyring(key) });
    await first.kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
    first.close();

    // Another key has another key id: the value names a key the keyring lacks.
    const wrong = make({ path, encryptor: keyring(generateKey()) });
    const wrongSearch = await wrong.kb
      .search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' })
      .catch((e: unknown) => e);
    expect(codeOf(wrongSearch)).toBe('CRYPTO_KEY_MISSING');
    const none = make({ path, encryptor: keyring() });
    const noneRead = await none.kb
      .document(SYSTEM_PRINCIPAL, 'notes/harbour', 'notes')
      .catch((e: unknown) => e);
    expect(codeOf(noneRead)).toBe('CRYPTO_KEY_MISSING');
    wrong.close();
    none.close();

    // The same bytes opened with the wrong key bytes fail authentication (AES-GCM tag): a keyring
    // that labels every value as its own shows what a key id collision would do.
    const stranger = keyring(generateKey());
    const relabel = /^enc:v1:[0-9a-f]{16}:/;
    const mislabelled = make({
      path,
      encryptor: {
        encryptText: (plain) => stranger.encryptText(plain),
        decryptText: (stored) =>
          stranger.decryptText(stored.replace(relabel, `enc:v1:${stranger.currentKeyId}:`)),
      },
    });
    const garbled = await mislabelled.kb
      .search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' })
      .catch((e: unknown) => e);
    expect(codeOf(garbled)).toBe('CRYPTO_DECRYPT_FAILED');
    mislabelled.close();

    // Ciphertext changed on disk fails the same way under the right key.
    const right = make({ path, encryptor: keyring(key) });
    const row = right.db.prepare('SELECT seq, text FROM kb_chunks ORDER BY seq LIMIT 1').get() as {
      seq: number;
      text: string;
    };
    const [prefix, body] = [row.text.slice(0, 24), Buffer.from(row.text.slice(24), 'base64url')];
    body[body.length - 1]! ^= 1;
    right.db
      .prepare('UPDATE kb_chunks SET text = ? WHERE seq = ?')
      .run(prefix + body.toString('base64url'), row.seq);
    const tampered = await right.kb
      .search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' })
      .catch((e: unknown) => e);
    expect(codeOf(tampered)).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('the system encrypts knowledge text with its configured key', async () => {
    const dir = join(dbPath(), '..');
    const system = await openSystem({
      overrides: { home: dir, security: { encryptionKey: generateKey() } },
      logger: silentLogger(),
      builtins: false,
    });
    try {
      await system.knowledge.ingest(SYSTEM_PRINCIPAL, { namespace: 'notes', documents: DOCUMENTS });
      const row = rawDb(system).prepare('SELECT text FROM kb_chunks ORDER BY seq LIMIT 1').get() as {
        text: string;
      };
      expect(system.encryption.keyIdOf(row.text)).toBe(system.encryption.currentKeyId);
      const hits = await system.knowledge.search(SYSTEM_PRINCIPAL, `${WORD} lanterns`, { mode: 'keyword' });
      expect(hits[0]?.text).toContain(SENTENCE);
    } finally {
      await system.close();
    }
  });
});
