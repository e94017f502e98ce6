import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../dashboard/src/i18n/catalogs/index.ts';
import type { Daemon } from '../../src/main.ts';
import type { DashboardLanguage } from '../../src/protocol.ts';
import { hashPassword } from '../../src/server/auth.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot, screenshotWhile } from './browser.ts';
import { startDemoDaemon } from './daemons.ts';
import { apiData, untranslated } from './language-check.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;
const RECOGNIZED = '[data-testid=slot-card][data-state=recognized]';

const LOCALES: { locale: string; language: DashboardLanguage }[] = [
  { locale: 'en-US', language: 'en' },
  { locale: 'fr-CA', language: 'fr-CA' },
];

describe('the dashboard in French (Canada) and English, in chromium on the demo bench (folder replay for the camera)', () => {
  let daemon: Daemon;
  let url: string;

  beforeAll(async () => {
    ({ daemon, url } = await startDemoDaemon());
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  for (const { locale, language } of LOCALES) {
    const m = CATALOGS[language];
    it(`${locale}: every page and dialog shows only ${language} catalogue text, Intl numbers and dates, and board data`, async () => {
      const browser: Browser = await launchBrowser(locale);
      const problems: string[] = [];
      const shot = (page: Page, name: string) =>
        language === 'fr-CA' ? screenshot(page, `fr-CA-${name}`) : Promise.resolve('');
      try {
        const { page, errors } = await browser.open(url);
        const uploaded = ['bench.jpg', 'notes.jpg'];
        const check = async (where: string) => {
          const data = [...(await apiData(url)), ...uploaded];
          for (const p of await untranslated(page, language, data)) problems.push(`${where}: ${p}`);
        };

        // Live: a recognized board, its confidence, the frame, the status panel and its chart
        const card = page.locator(RECOGNIZED);
        await card.waitFor({ timeout: 40_000 });
        await expect.poll(() => page.locator('.frame canvas').getAttribute('data-seq'), POLL).not.toBeNull();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);
        expect(await page.locator('nav a').first().textContent()).toBe(m['page.live']);
        const percent = (await card.locator('.big-number').textContent()) ?? '';
        expect(percent).toMatch(language === 'fr-CA' ? /^\d{1,3},\d[\u00a0\u202f]%$/u : /^\d{1,3}\.\d%$/);
        await check('live');
        if (language === 'fr-CA') await screenshotWhile(page, RECOGNIZED, 'fr-CA-live');

        // Enroll, with the "This is…" dialog in both modes and the form's complaints
        await page.goto(`${url}/#/enroll`);
        await page.locator('.enroll-slot button').first().click();
        const dialog = page.locator('dialog[open]');
        await dialog.locator('.pick').first().waitFor();
        await check('enroll dialog, catalog board');
        await dialog.locator('.segmented label').nth(1).click();
        await dialog.locator('button[type=submit]').click();
        await expect.poll(() => dialog.locator('.field-error').count(), POLL).toBe(3);
        expect(await dialog.locator('#board-vendor-error').textContent()).toBe(m['form.vendorMissing']);
        await check('enroll dialog, new board');
        await shot(page, 'enroll-dialog');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);
        await check('enroll');
        await shot(page, 'enroll');

        // Uploading: one picture and one file that is not an image (the daemon's E_IMAGE_INVALID)
        await page.locator('#upload-board').selectOption({ index: 1 });
        await page.setInputFiles('#upload-files-any', [
          { name: uploaded[0]!, mimeType: 'image/jpeg', buffer: await pattern(3) },
          { name: uploaded[1]!, mimeType: 'image/jpeg', buffer: Buffer.from('not a picture at all') },
        ]);
        expect(await page.locator('.file-pick .muted').textContent()).toBe(
          language === 'fr-CA' ? '2 images choisies' : '2 images chosen',
        );
        await page.locator('form.upload button[type=submit]').click();
        const failed = page.locator('.upload-failed span').last();
        await failed.waitFor();
        expect(await failed.textContent()).toBe(m['error.E_IMAGE_INVALID']);
        await page.locator('.toast').first().waitFor();
        await check('enroll, upload');
        await shot(page, 'enroll-upload');

        // Catalog: cards, the new-board dialog, a refused duplicate (E_CONFLICT), edit, delete
        await page.goto(`${url}/#/catalog`);
        const cards = page.locator('[data-testid=board-card]');
        await cards.first().waitFor();
        await check('catalog');
        await shot(page, 'catalog');
        const first = cards.first();
        const vendor = (await first.locator('.board-card-vendor').textContent()) ?? '';
        const { boards } = (await (await fetch(`${url}/api/boards`)).json()) as {
          boards: { vendor: string; model: string; kind: string }[];
        };
        const existing = boards.find((b) => b.vendor === vendor)!;
        await page.locator('.page-head button.primary').click();
        await page.locator('#board-vendor').fill(existing.vendor);
        await page.locator('#board-model').fill(existing.model);
        await page.locator('#board-kind').selectOption(existing.kind);
        await page.locator('dialog[open] button[type=submit]').first().click();
        const refused = page.locator('dialog[open] .form-error');
        await refused.waitFor();
        expect(await refused.textContent()).toBe(m['error.E_CONFLICT']);
        await check('catalog, new board refused');
        await shot(page, 'catalog-new-board');
        await page.keyboard.press('Escape');

        await first.locator('.actions .secondary').click();
        await page.locator('dialog[open] .ref-grid img').first().waitFor();
        await check('catalog, editor');
        await shot(page, 'catalog-editor');
        await page.locator('dialog[open] .ref-grid button').first().click();
        await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(2);
        await check('catalog, delete a reference?');
        await page.locator('dialog[open] .actions .secondary').last().click();
        await page.locator('dialog[open] button[type=submit]').first().click();
        await page.locator('.toast').first().waitFor();
        await check('catalog, saved');
        await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);

        await first.locator('.danger-outline').click();
        await page.locator('dialog[open]').waitFor();
        await check('catalog, delete a board?');
        await shot(page, 'catalog-delete');
        await page.locator('dialog[open] .actions .secondary').click();

        // History: rows, filters, the per-day chart, the pager
        await page.goto(`${url}/#/history`);
        await page.locator('[data-testid=history-row]').first().waitFor({ timeout: 30_000 });
        await page.locator('[data-testid=day-chart]').waitFor();
        const summary = (await page.getByTestId('history-summary').textContent()) ?? '';
        expect(summary).toMatch(language === 'fr-CA' ? /reconnaissances?$/ : /recognitions?$/);
        await check('history');
        await shot(page, 'history');

        // the refused upload (400) and the refused duplicate (409) were provoked on purpose
        expect(errors.filter((e) => !/status of (400|409) /.test(e))).toEqual([]);
      } finally {
        await browser.close();
      }
      expect(problems).toEqual([]);
    });
  }

  it('the header switches the language: <html lang>, the words, and the choice is remembered', async () => {
    const browser = await launchBrowser('fr-CA');
    try {
      const { page, errors } = await browser.open(`${url}/#/catalog`);
      await page.locator('[data-testid=board-card]').first().waitFor();
      expect(await page.locator('h1').textContent()).toBe('Catalogue');
      await page.getByTestId('language').selectOption('en');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang), POLL).toBe('en');
      expect(await page.locator('h1').textContent()).toBe('Catalog');
      expect(await page.title()).toBe('Catalog · benchsight');
      expect(await untranslated(page, 'en', await apiData(url))).toEqual([]);
      await page.reload();
      await page.locator('[data-testid=board-card]').first().waitFor();
      expect(await page.locator('h1').textContent()).toBe('Catalog');
      await page.getByTestId('language').selectOption('fr-CA');
      await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Catalogue');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('fr-CA: the page says in French that the daemon is gone (the last test: it stops the daemon)', async () => {
    const browser = await launchBrowser('fr-CA');
    try {
      const { page } = await browser.open(url);
      await page.locator('[data-testid=slot-card]').first().waitFor({ timeout: 40_000 });
      const data = await apiData(url);
      await daemon.stop();
      // a loaded CI machine's chromium can take more than the default 15 s to notice the closed socket
      await page.getByTestId('disconnected').waitFor({ timeout: 40_000 });
      expect(await page.locator('[data-testid=disconnected] strong').textContent()).toBe(
        CATALOGS['fr-CA']['connection.lost'],
      );
      expect(await page.getByTestId('camera-badge').textContent()).toBe(CATALOGS['fr-CA']['camera.unknown']);
      expect(await untranslated(page, 'fr-CA', data)).toEqual([]);
      await screenshot(page, 'fr-CA-live-disconnected');
    } finally {
      await browser.close();
    }
  });
});

describe('the login page follows the browser, else server.defaultLanguage (tiny model, folder replay)', () => {
  let daemon: Daemon;
  let url: string;
  const PASSWORD = 'tech-secret-42';

  beforeAll(async () => {
    const frames = tempDir('bs-i18n-');
    writeFrames(frames, [await pattern(5)], 2);
    ({ daemon, url } = await startTestDaemon(frames, {
      server: { port: 0, defaultLanguage: 'fr-CA' },
      auth: {
        required: true,
        users: [{ name: 'tech', passwordHash: hashPassword(PASSWORD), role: 'viewer' }],
      },
    }));
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('a German browser gets the default (French); a wrong password is said in French; then the dashboard', async () => {
    const settings = await (await fetch(`${url}/api/dashboard`)).json();
    expect(settings).toEqual({ defaultLanguage: 'fr-CA' });
    const browser = await launchBrowser('de-DE');
    try {
      const { page, errors } = await browser.open(url);
      await page.waitForURL(/\/login$/);
      await page.locator('button[type=submit]').waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr-CA');
      expect(await page.title()).toBe(CATALOGS['fr-CA']['login.title']);
      expect(await untranslated(page, 'fr-CA', [])).toEqual([]);
      await page.getByLabel('Utilisateur').fill('tech');
      await page.getByLabel('Mot de passe').fill('wrong-password');
      await page.locator('button[type=submit]').click();
      await expect
        .poll(() => page.getByTestId('login-error').textContent(), POLL)
        .toBe(CATALOGS['fr-CA']['login.wrong']);
      expect(await untranslated(page, 'fr-CA', [])).toEqual([]);
      await screenshot(page, 'fr-CA-login');
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.locator('button[type=submit]').click();
      await page.locator('[data-testid=slot-card]').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('nav a').first().textContent()).toBe('En direct');
      // the 401 of a wrong password is a console error of the browser's own, not of the page
      expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('an English browser gets the login page in English', async () => {
    const browser = await launchBrowser('en-US');
    try {
      const { page } = await browser.open(`${url}/login`);
      await page.locator('button[type=submit]').waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.locator('button[type=submit]').textContent()).toBe('Log in');
      expect(await untranslated(page, 'en', [])).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
