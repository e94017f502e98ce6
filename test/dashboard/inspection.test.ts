import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { bareHashboard, chipBox, chipCount, mapGolden, shoot, upload } from '../inspect/boards.ts';
import { launchBrowser, screenshot, TABLET } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 30_000 };
const SEED = 303;

describe('dashboard in chromium: the live card shows the inspection of the board on the bench (real opencv.js, tiny ViT)', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let daemon: Daemon;
  let url: string;
  let live: Awaited<ReturnType<typeof shoot>>;

  beforeAll(async () => {
    live = await shoot(bareHashboard(SEED, { missing: [36] }), 8, {
      width: 800,
      height: 400,
      pxPerMm: 2.1,
      pose: { angleDeg: 5 },
    });
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [live.jpeg], 3);
    [{ daemon, url }, browser] = await Promise.all([startTestDaemon(frames), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('names the missing chip on the card, and lays the heatmap over the slot picture on request', async () => {
    const boardId = await mapGolden(url, bareHashboard(SEED));
    const { page, errors } = await browser.open(url, TABLET);
    // the tiny test encoder recognizes only near-copies: the bench's own picture is enrolled too
    await fetch(`${url}/api/boards/${boardId}/references`, { method: 'POST', body: upload(live.jpeg) });
    const summary = page.getByTestId('inspection-summary');
    await expect.poll(() => summary.textContent(), POLL).toBe('chip 37 missing');
    await page.getByRole('button', { name: 'Show differences' }).click();
    const heat = page.getByTestId('heatmap').locator('img.heatmap-overlay');
    await expect
      .poll(() => heat.evaluate((img: HTMLImageElement) => img.naturalWidth), POLL)
      .toBeGreaterThan(0);
    await screenshot(page, 'inspection-live-card-tablet');

    // the chip numbers over the live picture, each where its chip lies, the missing one marked
    await page.getByRole('button', { name: 'Show chip numbers on the live picture' }).click();
    const numbers = page.getByTestId('chip-number');
    await expect.poll(() => numbers.count(), POLL).toBe(chipCount(bareHashboard(SEED)));
    const missing = page.locator('[data-testid="chip-number"][data-verdict="missing"]');
    await expect(missing.allTextContents()).resolves.toEqual(['37']);
    await expect(page.locator('.frame-box img.live-heatmap').count()).resolves.toBe(1);
    const frame = (await page.locator('.frame-box').boundingBox())!;
    const at = async (i: number) => {
      const b = (await numbers.nth(i).boundingBox())!;
      const x = ((b.x + b.width / 2 - frame.x) / frame.width) * live.width;
      const y = ((b.y + b.height / 2 - frame.y) / frame.height) * live.height;
      return [x, y];
    };
    // truth: the chip's centre on the board, carried by the board's true corners (a turned, flat view)
    const [c0, c1, , c3] = live.corners as [number, number][];
    const truth = (i: number) => {
      const c = chipBox(bareHashboard(SEED), i);
      const [u, v] = [c.x + c.width / 2, c.y + c.height / 2];
      return [
        c0![0] + u * (c1![0] - c0![0]) + v * (c3![0] - c0![0]),
        c0![1] + u * (c1![1] - c0![1]) + v * (c3![1] - c0![1]),
      ];
    };
    const pitch = Math.hypot(...[0, 1].map((k) => truth(1)[k]! - truth(0)[k]!));
    for (const i of [0, 36, chipCount(bareHashboard(SEED)) - 1]) {
      const [x, y] = await at(i);
      const [tx, ty] = truth(i);
      expect(Math.hypot(x! - tx!, y! - ty!)).toBeLessThan(pitch / 3);
    }
    await screenshot(page, 'inspection-live-picture-tablet');
    await page.getByRole('button', { name: 'Hide chip numbers' }).click();
    await expect.poll(() => numbers.count(), POLL).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('dashboard in chromium: parts under hands lying over the board are said hidden, not missing (en, fr-CA; real opencv.js, tiny ViT)', () => {
  let browsers: Array<Awaited<ReturnType<typeof launchBrowser>>> = [];
  let daemon: Daemon;
  let url: string;
  let live: Awaited<ReturnType<typeof shoot>>;

  beforeAll(async () => {
    // two hands over the board (the renderer's occlusion nuisance, seed 26), chip 37 removed beside them
    live = await shoot(bareHashboard(SEED, { missing: [36] }), 26, {
      width: 800,
      height: 400,
      pxPerMm: 2.1,
      pose: { angleDeg: 4 },
      nuisance: { occlusion: 1 },
    });
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [live.jpeg], 3);
    let en: (typeof browsers)[number];
    let fr: (typeof browsers)[number];
    [{ daemon, url }, en, fr] = await Promise.all([
      startTestDaemon(frames),
      launchBrowser(),
      launchBrowser('fr-CA'),
    ]);
    browsers = [en, fr];
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await daemon?.stop();
  });

  it('names the missing chip and says how many parts were hidden, in both languages', async () => {
    const boardId = await mapGolden(url, bareHashboard(SEED));
    await fetch(`${url}/api/boards/${boardId}/references`, { method: 'POST', body: upload(live.jpeg) });
    const expected = [
      { summary: 'chip 37 missing', hidden: /^\d+ parts hidden under a hand or a tool: not inspected$/ },
      {
        summary: 'chip 37 manquante',
        hidden: /^\d+ pièces cachées sous une main ou un outil\u00a0: non contrôlées$/,
      },
    ];
    for (const [i, b] of browsers.entries()) {
      const { page, errors } = await b.open(url, TABLET);
      await expect
        .poll(() => page.getByTestId('inspection-summary').textContent(), POLL)
        .toBe(expected[i]!.summary);
      await expect(page.getByTestId('inspection-hidden').textContent()).resolves.toMatch(expected[i]!.hidden);
      await screenshot(page, `inspection-hidden-${i === 0 ? 'en' : 'fr-CA'}-tablet`);
      expect(errors).toEqual([]);
    }
  }, 120_000);
});
