import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex as wcagHex } from 'wcag-contrast';
import { generateContent } from '../../src/creative/content/index.js';
import { renderCard } from '../../src/creative/design/card.js';
import { evidenceFromResearch } from '../../src/creative/research-evidence.js';
import { analyzeCorpus } from '../../src/research/analyze/index.js';
import { collect } from '../../src/research/collect/index.js';
import { startSampleSite } from '../../src/research/sample-site.js';
import { tempDir, testLimits, USER_AGENT } from '../research/support.js';
import { requireTool } from '../support/system-tools.js';

/**
 * A brief and a social card made from the sample site, opened in Debian's Chromium through
 * playwright-core: the screenshots are not blank, the text is there to read, and the colours the
 * browser actually computes meet the contrast the content claims.
 */
type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

function toHex(css: string): string {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return `#${[r, g, b]
    .map((v) =>
      Math.round(v ?? 0)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** Luminance variance and colour count of a screenshot, measured on a canvas in the page. */
async function pixelStats(page: Page, png: Buffer): Promise<{ variance: number; colours: number }> {
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    let sum = 0;
    let squares = 0;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const y = 0.2126 * pixels[i]! + 0.7152 * pixels[i + 1]! + 0.0722 * pixels[i + 2]!;
      sum += y;
      squares += y * y;
      colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    }
    const n = pixels.length / 4;
    return { variance: squares / n - (sum / n) ** 2, colours: colours.size };
  }, png.toString('base64'));
}

describe('a brief and a social card from the sample site in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let briefFile: string;
  let cardFile: string;
  let claimTexts: string[];
  let cardContrast: Array<{ foreground: string; background: string; required: number }>;

  beforeAll(async () => {
    const executablePath = requireTool('chromium', 'chromium');
    const site = await startSampleSite();
    try {
      const corpus = await collect({
        topic: 'home battery storage market',
        sources: [site.url],
        limits: testLimits(),
        userAgent: USER_AGENT,
      });
      const evidence = evidenceFromResearch(corpus, analyzeCorpus(corpus));
      const brief = await generateContent(evidence, {
        format: 'brief',
        topic: 'home battery storage market',
      });
      claimTexts = brief.claims.map((c) => c.text);
      // The card's figure is the first number of a stated sentence, not a later one in it.
      expect(brief.keyFigure?.value).toBe('442,100 units');
      const card = await renderCard({
        title: 'Home battery storage market',
        ...(brief.keyFigure
          ? { figure: { value: brief.keyFigure.value, label: brief.keyFigure.label } }
          : {}),
        source: 'Storage Market Observer',
      });
      cardContrast = card.contrast;
      dir = tempDir('magna-creative-browser-');
      briefFile = join(dir, 'brief.html');
      writeFileSync(briefFile, brief.html);
      cardFile = join(dir, 'card.png');
      writeFileSync(cardFile, card.png);
      writeFileSync(
        join(dir, 'card.html'),
        `<!doctype html><body style="margin:0"><img id="card" src="card.png"></body>`,
      );
    } finally {
      await site.close();
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('the brief renders, reads and meets WCAG AA contrast', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(briefFile).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    const shot = await page.screenshot({ fullPage: true, path: join(dir, 'brief-screenshot.png') });
    const stats = await pixelStats(page, shot);
    expect(stats.variance).toBeGreaterThan(100);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
    const text = await page.innerText('body');
    expect(claimTexts.length).toBeGreaterThan(2);
    for (const claim of claimTexts) expect(text.replace(/\s+/g, ' ')).toContain(claim.replace(/\s+/g, ' '));
    // Every text element against the page background, as the browser computes them.
    const pairs = await page.$$eval('h1, h2, p, li, sup, a', (els) =>
      els.map((el) => {
        const style = getComputedStyle(el);
        return { color: style.color, size: Number.parseFloat(style.fontSize) };
      }),
    );
    const background = toHex(await page.$eval('body', (b) => getComputedStyle(b).backgroundColor));
    for (const pair of pairs) {
      expect(wcagHex(toHex(pair.color), background)).toBeGreaterThanOrEqual(pair.size >= 24 ? 3 : 4.5);
    }
    // Font large enough to read: body text at 16 px or more.
    const bodySize = await page.$eval('p', (p) => Number.parseFloat(getComputedStyle(p).fontSize));
    expect(bodySize).toBeGreaterThanOrEqual(16);
    await page.close();
  });

  it('the card shows at full size, is not blank, and its text colours pass the contrast they claim', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
    await page.goto(pathToFileURL(join(dir, 'card.html')).href, { waitUntil: 'load' });
    const size = await page.$eval('#card', (img) => [
      (img as HTMLImageElement).naturalWidth,
      (img as HTMLImageElement).naturalHeight,
    ]);
    expect(size).toEqual([1200, 630]);
    const shot = await page.locator('#card').screenshot({ path: join(dir, 'card-screenshot.png') });
    const stats = await pixelStats(page, shot);
    expect(stats.variance).toBeGreaterThan(100);
    expect(stats.colours).toBeGreaterThan(10);
    for (const pair of cardContrast)
      expect(wcagHex(pair.foreground, pair.background)).toBeGreaterThanOrEqual(pair.required);
    // The measure itself can fail: a blank page has no variance.
    await page.setContent('<div id="blank" style="width:300px;height:120px;background:#fff"></div>');
    expect((await pixelStats(page, await page.locator('#blank').screenshot())).variance).toBeLessThan(1);
    if (process.env.KEEP_SCREENSHOTS) writeFileSync(process.env.KEEP_SCREENSHOTS, dir);
    await page.close();
  });
});
