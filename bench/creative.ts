import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { SYSTEM_PRINCIPAL } from '../src/core/principal.js';
import { generateContent } from '../src/creative/content/index.js';
import { renderCard } from '../src/creative/design/card.js';
import { checkImage } from '../src/creative/design/image-input.js';
import { thumbnail } from '../src/creative/design/transform.js';
import { evidenceFromKnowledge } from '../src/creative/knowledge-evidence.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { SqliteKnowledgeStore } from '../src/store/sqlite/knowledge-store.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { type BenchOptions, type BenchResult, round } from './harness.js';

/**
 * Creative throughput, each against its peer in the same run:
 * - thumbnails/s: checkImage + salient 128 px WebP thumbnail vs the plain sharp call that does the
 *   same resize (cover, attention, WebP) without the guards;
 * - social cards/s: renderCard (layout, contrast checks, render) vs plain sharp rendering the same
 *   SVG to PNG;
 * - briefs/s from a knowledge base of 10,000 facts (2,000 generated company pages of 5 facts each;
 *   --quick: 2,000 facts): evidence read once, then generateContent repeatedly; the evidence read
 *   (the store's 5,000-fact cap per namespace applies) is timed on its own.
 */
export const name = 'creative';

function rate(count: number, ms: number): number {
  return round((count / ms) * 1000, 1);
}

async function timed(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return performance.now() - start;
}

const CITIES = ['Berlin', 'Lyon', 'Oslo', 'Porto', 'Leeds', 'Graz', 'Turin', 'Ghent'];

export async function run(options: BenchOptions): Promise<BenchResult> {
  const rows: BenchResult['rows'] = [];
  const photo = await sharp({
    create: { width: 2400, height: 1600, channels: 3, background: '#e9dcc0' },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><circle cx="300" cy="300" r="280" fill="#d62828"/></svg>',
        ),
        left: 1500,
        top: 200,
      },
    ])
    .jpeg()
    .toBuffer();
  const images = options.quick ? 20 : 100;
  const ours = await timed(images, async () => thumbnail(await checkImage(photo), 128));
  const plain = await timed(images, () =>
    sharp(photo)
      .resize({ width: 128, height: 128, fit: 'cover', position: sharp.strategy.attention })
      .webp({ quality: 80 })
      .toBuffer(),
  );
  rows.push({
    measure: 'thumbnails/s (2400×1600 JPEG → 128 px WebP)',
    magnatronic: rate(images, ours),
    'plain sharp': rate(images, plain),
    ratio: round(plain / ours, 2),
  });

  const cards = options.quick ? 10 : 50;
  const sample = await renderCard({
    title: 'Home battery storage market 2026',
    figure: { value: '442,100', label: 'installations in 2025' },
    source: 'example.org',
  });
  const oursCards = await timed(cards, (i) =>
    renderCard({
      title: `Home battery storage market ${i}`,
      figure: { value: '442,100', label: 'installations in 2025' },
      source: 'example.org',
    }),
  );
  const plainCards = await timed(cards, () =>
    sharp(Buffer.from(sample.svg)).png({ compressionLevel: 8 }).toBuffer(),
  );
  rows.push({
    measure: 'social cards/s (1200×630 PNG)',
    magnatronic: rate(cards, oursCards),
    'plain sharp': rate(cards, plainCards),
    ratio: round(plainCards / oursCards, 2),
  });

  const db = openSqlite(':memory:');
  const kb = new KnowledgeBase(new SqliteKnowledgeStore(db));
  const random = seededRandom(17);
  const pages = options.quick ? 400 : 2_000;
  const loadStart = performance.now();
  for (let i = 0; i < pages; i += 100) {
    const documents = [];
    for (let j = i; j < Math.min(pages, i + 100); j++) {
      const city = CITIES[Math.floor(random() * CITIES.length)]!;
      const staff = 100 + Math.floor(random() * 20_000);
      documents.push({
        source: `https://example.org/companies/c${j}`,
        title: `Company Nr${j} Storage`,
        text: `Storage Maker Nr${j} has ${staff.toLocaleString('en-US')} employees. Storage Maker Nr${j} was founded in ${1950 + (j % 70)}. Storage Maker Nr${j} is headquartered in ${city}. The price of Battery Nr${j} is $${(1000 + j).toLocaleString('en-US')}. Storage Maker Nr${j} acquired Cell Works Nr${j}.`,
      });
    }
    await kb.ingest(SYSTEM_PRINCIPAL, { namespace: 'bench/market', documents });
  }
  const loadMs = performance.now() - loadStart;
  const facts = (db.prepare('SELECT count(*) AS n FROM kb_facts').get() as { n: number }).n;
  const readStart = performance.now();
  const evidence = await evidenceFromKnowledge(kb, SYSTEM_PRINCIPAL, {
    topic: 'battery storage makers',
    namespaces: ['bench/market'],
  });
  const readMs = performance.now() - readStart;
  const briefs = options.quick ? 10 : 50;
  const briefMs = await timed(briefs, (i) =>
    generateContent(evidence, {
      format: 'brief',
      topic: 'battery storage makers',
      tone: i % 2 ? 'formal' : 'neutral',
    }),
  );
  rows.push({
    measure: `briefs/s from ${facts} facts (evidence read once)`,
    magnatronic: rate(briefs, briefMs),
    'plain sharp': '-',
    ratio: '-',
  });
  rows.push({
    measure: `evidence read: ${evidence.facts.length} facts, ${evidence.corpus.sources.length} documents (ms)`,
    magnatronic: round(readMs, 0),
    'plain sharp': '-',
    ratio: '-',
  });
  db.close();
  return {
    name,
    rows,
    notes: [
      'ratio = plain sharp time / magnatronic time for the same work in this run (1.0 = no overhead)',
      `knowledge base loaded in ${round(loadMs / 1000, 1)} s (${pages} pages through ingest with extraction)`,
      'evidence reads at most 5,000 current facts per namespace (the store cap on one query)',
    ],
  };
}
