import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot, TABLET } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const CARD = '[data-testid=slot-card]';

describe('Enroll in chromium: a board unknown to the catalog is taught from the live view (tiny model, folder replay)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(7, 640, 480)], 4);
    [{ daemon, url }, browser] = await Promise.all([startTestDaemon(frames), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('"This is…" with a new board (validated form) makes the next frames recognize it', async () => {
    const { page, errors } = await browser.open(url);
    await page.waitForSelector(`${CARD}[data-state=unknown]`, { timeout: 20_000 });
    await page.getByRole('button', { name: 'This is…' }).click();
    const dialog = page.getByRole('dialog', { name: 'This is… (slot “bench”)' });
    // An empty catalog: the dialog opens on "A new board".
    await dialog.getByRole('button', { name: 'Create board and add picture' }).click();
    expect(await dialog.locator('[aria-invalid=true]').count()).toBe(3);
    expect(await dialog.locator('.field-error').first().textContent()).toContain('vendor');
    await dialog.getByLabel('Vendor').fill('Canaan');
    await dialog.getByLabel('Model').fill('A1246 hashboard');
    await dialog.getByLabel('Kind').selectOption('hashboard');
    await dialog.getByLabel('Chip type').fill('A3206');
    await dialog.getByLabel('Chip count').fill('many');
    await dialog.getByRole('button', { name: 'Create board and add picture' }).click();
    expect(await dialog.locator('#board-chipCount-error').textContent()).toContain('whole number');
    await dialog.getByLabel('Chip count').fill('114');
    await dialog
      .getByLabel('Notes')
      .fill('Fixture: 12.5 V, 475 MHz, 5 min burn-in. Check the PIC reset line first.');
    await screenshot(page, 'enroll-dialog-laptop');
    await dialog.getByRole('button', { name: 'Create board and add picture' }).click();
    await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);

    const card = page.locator(`${CARD}[data-state=recognized]`);
    await card.waitFor({ timeout: 20_000 });
    expect(await card.getByTestId('board-model').textContent()).toBe('A1246 hashboard');
    expect(await card.locator('.board-kind').textContent()).toBe('Hashboard · 114 × A3206 chips');
    expect(await card.locator('.notes').textContent()).toContain('PIC reset line');
    const history = await (await fetch(`${url}/api/recognitions?limit=1`)).json();
    expect(history.items[0].board.model).toBe('A1246 hashboard');
    expect(errors).toEqual([]);
  });

  it('uploads several reference images at once with progress, on the Enroll page', async () => {
    const { page, errors } = await browser.open(`${url}/#/enroll`, TABLET);
    await page.waitForSelector('.enroll-slot');
    await expect.poll(() => page.locator('#upload-board option').count(), POLL).toBeGreaterThan(1);
    await page.selectOption('#upload-board', { label: 'Canaan A1246 hashboard' });
    const files = await Promise.all(
      [21, 22, 23].map(async (seed) => ({
        name: `bench-photo-${seed}.jpg`,
        mimeType: 'image/jpeg',
        buffer: await pattern(seed),
      })),
    );
    await page.setInputFiles('#upload-files-any', files);
    await page.getByRole('button', { name: 'Upload' }).click();
    const progress = page.getByTestId('upload-progress');
    await expect.poll(() => progress.locator('label').textContent(), POLL).toContain('3 of 3 added');
    expect(await progress.locator('.upload-done').count()).toBe(3);
    const { boards } = await (await fetch(`${url}/api/boards`)).json();
    expect(boards[0].references).toHaveLength(4);
    await screenshot(page, 'enroll-tablet');

    const dialogPage = await browser.open(url, TABLET);
    await dialogPage.page.getByRole('button', { name: /This is…/ }).click();
    await dialogPage.page.waitForSelector('.pick');
    await screenshot(dialogPage.page, 'enroll-dialog-tablet');
    expect([...errors, ...dialogPage.errors]).toEqual([]);
  });
});
