import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCorpus } from '../../src/research/analyze/index.js';
import { collect } from '../../src/research/collect/index.js';
import { buildReport } from '../../src/research/report/index.js';
import { startSampleSite } from '../../src/research/sample-site.js';
import { requireTool } from '../support/system-tools.js';
import { tempDir, testLimits, USER_AGENT } from './support.js';

/**
 * The HTML report in a real browser: Debian's Chromium (`apt-get install -y chromium`) driven by
 * playwright-core. No browser is ever downloaded; without Chromium these tests fail and say how to
 * install it.
 */
type Browser = import('playwright-core').Browser;

/** Variance of pixel luminance of a PNG, measured by drawing it on a canvas in the page. */
async function pixelStats(browser: Browser, png: Buffer): Promise<{ variance: number; colours: number }> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (data) => {
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
      const n = pixels.length / 4;
      for (let i = 0; i < pixels.length; i += 4) {
        const y = 0.2126 * pixels[i]! + 0.7152 * pixels[i + 1]! + 0.0722 * pixels[i + 2]!;
        sum += y;
        squares += y * y;
        colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
      }
      const mean = sum / n;
      return { variance: squares / n - mean * mean, colours: colours.size };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

describe('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;

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
      const report = await buildReport(corpus, analyzeCorpus(corpus));
      file = join(tempDir(), 'report.html');
      writeFileSync(file, report.html);
    } finally {
      await site.close();
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('loads without console errors or failed requests, and its charts render', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    // Self-contained: the page itself is the only thing loaded.
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe('Research report: home battery storage market');

    const figures = page.locator('figure[data-chart]');
    const count = await figures.count();
    expect(count).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < count; i++) {
      const figure = figures.nth(i);
      const box = await figure.locator('svg').boundingBox();
      expect(box?.width).toBeGreaterThan(200);
      expect(box?.height).toBeGreaterThan(60);
      const stats = await pixelStats(browser, await figure.locator('svg').screenshot());
      // Axes, marks and labels: many colours and real contrast, not a blank box.
      expect(stats.variance).toBeGreaterThan(100);
      expect(stats.colours).toBeGreaterThan(10);
    }

    // The measure itself can fail: a blank element has no variance.
    await page.setContent('<div id="blank" style="width:300px;height:120px;background:#fff"></div>');
    const blank = await pixelStats(browser, await page.locator('#blank').screenshot());
    expect(blank.variance).toBeLessThan(1);
    await page.close();
  });
});
