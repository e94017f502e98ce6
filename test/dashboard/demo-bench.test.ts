import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import type { Daemon } from '../../src/main.ts';
import { launchBrowser, screenshot, screenshotWhile, TABLET } from './browser.ts';
import { startDemoDaemon } from './daemons.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;
interface BoardJson {
  id: number;
  vendor: string;
  model: string;
  kind: string;
}

const RECOGNIZED_CARD = '[data-testid=slot-card][data-state=recognized]';

describe('dashboard in chromium on the demo bench (a folder replay stands in for the camera)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;
  let demoModels: string[];
  let hashboard: BoardJson;

  beforeAll(async () => {
    [{ daemon, url }, browser] = await Promise.all([startDemoDaemon(), launchBrowser()]);
    const { boards } = (await (await fetch(`${url}/api/boards`)).json()) as { boards: BoardJson[] };
    demoModels = boards.map((b) => b.model);
    hashboard = boards.find((b) => b.kind === 'hashboard')!;
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('Live: the frame keeps changing and a large card names the demo board on the bench', async () => {
    const { page, errors } = await browser.open(url);
    const canvas = page.locator('.frame canvas');
    const sample = () =>
      canvas.evaluate((c: HTMLCanvasElement) => ({
        seq: Number(c.dataset.seq ?? -1),
        pixels: c.toDataURL(),
      }));
    await expect.poll(async () => (await sample()).seq, POLL).toBeGreaterThan(0);
    const first = await sample();
    await expect
      .poll(async () => {
        const now = await sample();
        return now.seq > first.seq && now.pixels !== first.pixels;
      }, POLL)
      .toBe(true);

    await screenshotWhile(page, RECOGNIZED_CARD, 'live-laptop');
    const card = page.locator(RECOGNIZED_CARD);
    const model = await card.locator('[data-testid=board-model]').textContent();
    expect(demoModels).toContain(model);
    expect(await card.locator('.notes').textContent()).toMatch(/Repair notes/);
    // en-US writes a percentage without a space (Intl); fr-CA's is checked in i18n.test.ts
    expect(await card.locator('.big-number').textContent()).toMatch(/^\d+\.\d%$/);
    // the confidence meter marks the threshold in force (the bundled model's, from the status)
    const status = (await (await fetch(`${url}/api/status`)).json()) as { match: { threshold: number } };
    expect(status.match.threshold).toBe(0.96);
    expect(await card.locator('meter').getAttribute('low')).toBe(String(status.match.threshold));
    expect(await page.locator('[data-testid=camera-badge]').getAttribute('data-state')).toBe('online');
    expect(await page.locator('.stat-value').first().textContent()).toMatch(/\d\.\d/);

    const tablet = await browser.open(url, TABLET);
    await screenshotWhile(tablet.page, RECOGNIZED_CARD, 'live-tablet');
    expect([...errors, ...tablet.errors]).toEqual([]);
  });

  it('Catalog: boards with thumbnails, text search, edit, and delete only after confirming', async () => {
    const { page, errors } = await browser.open(`${url}/#/catalog`);
    const cards = page.locator('[data-testid=board-card]');
    await expect.poll(() => cards.count(), POLL).toBe(demoModels.length);
    const thumbs = page.locator('.thumbs img');
    await expect
      .poll(
        () => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)),
        POLL,
      )
      .toBe(true);
    expect(await thumbs.count()).toBeGreaterThanOrEqual(demoModels.length);
    await screenshot(page, 'catalog-laptop');

    await page.fill('input[type=search]', hashboard.model);
    const edited = page.getByRole('article', { name: `${hashboard.vendor} ${hashboard.model}` });
    await expect.poll(() => cards.count(), POLL).toBe(1);
    await edited.getByRole('button', { name: 'Edit' }).click();
    await page.fill('#board-notes', 'Fixture: 15.2 V, 525 MHz. Replace the 0.8 V LDO first.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => edited.locator('.board-card-notes').textContent(), POLL).toContain('0.8 V LDO');

    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Scrapyard', model: 'Test board Z9', kind: 'other' }),
    });
    const doomed = (await created.json()) as BoardJson;
    await page.fill('input[type=search]', 'Scrapyard');
    const card = page.getByRole('article', { name: 'Scrapyard Test board Z9' });
    await card.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Scrapyard Test board Z9?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await fetch(`${url}/api/boards/${doomed.id}`)).status).toBe(200);
    await card.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete board' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await fetch(`${url}/api/boards/${doomed.id}`)).status).toBe(404);
    expect(await cards.count()).toBe(0);

    await page.fill('input[type=search]', '');
    const tablet = await browser.open(`${url}/#/catalog`, TABLET);
    await expect
      .poll(() => tablet.page.locator('[data-testid=board-card]').count(), POLL)
      .toBe(demoModels.length);
    await screenshot(tablet.page, 'catalog-tablet');
    expect([...errors, ...tablet.errors]).toEqual([]);
  });

  it('is keyboard accessible: the pages are reachable by Tab and Enter, the dialog closes with Escape', async () => {
    const { page, errors } = await browser.open(url);
    await page.waitForSelector('[data-testid=slot-card]');
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // Live
    await page.keyboard.press('Tab'); // Enroll
    await page.keyboard.press('Tab'); // Catalog
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Catalog');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=board-card]');
    await page.goto(`${url}/#/live`);
    await page.locator('.enroll-button').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);
    expect(errors).toEqual([]);
  });

  it('an open Catalog page shows a board another process (the CLI) added, without a reload', async () => {
    const { page, errors } = await browser.open(`${url}/#/catalog`);
    const cards = page.locator('[data-testid=board-card]');
    await expect.poll(() => cards.count(), POLL).toBe(demoModels.length);
    const cli = Catalog.open(daemon.catalog!.path);
    try {
      cli.createBoard({ vendor: 'Elsewhere', model: 'Added by the CLI', kind: 'other' });
    } finally {
      cli.close();
    }
    await page.getByRole('article', { name: 'Elsewhere Added by the CLI' }).waitFor();
    expect(await cards.count()).toBe(demoModels.length + 1);
    expect(errors).toEqual([]);
  });
});
