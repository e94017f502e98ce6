import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config/load.ts';

/** Debian's chromium (`.ci/run` installs it); BENCHSIGHT_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.BENCHSIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(PACKAGE_ROOT, 'test-output', 'dashboard');

export const LAPTOP = { width: 1440, height: 900 };
export const TABLET = { width: 820, height: 1180 };

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function assertDashboardBuilt(): void {
  if (!existsSync(join(PACKAGE_ROOT, 'dashboard', 'dist', 'index.html'))) {
    throw new Error('dashboard/dist is missing: run `npm run build:dashboard` (npm install runs it)');
  }
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, with where they came from. */
  errors: string[];
}

/**
 * One headless chromium per test file, with a fresh profile that is removed on close. `locale` is
 * the browser's language (navigator.languages, Accept-Language, Intl): en-US unless a test says.
 */
export async function launchBrowser(locale = 'en-US'): Promise<{
  context: BrowserContext;
  open(url: string, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}> {
  assertDashboardBuilt();
  const profile = mkdtempSync(join(tmpdir(), 'bs-chromium-'));
  // Playwright takes the --user-data-dir as launchPersistentContext's first argument.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: LAPTOP,
    locale,
    acceptDownloads: true,
  });
  // Fail a step well inside vitest's test timeout, so the report names the step that hung.
  context.setDefaultTimeout(15_000);
  return {
    context,
    async open(url, viewport = LAPTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      await page.goto(url);
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A screenshot taken while `selector` matches (a live state can end meanwhile): waits for it, shoots,
 * and shoots again at the next occurrence if it was gone by the time the picture was taken.
 */
export async function screenshotWhile(page: Page, selector: string, name: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    await page.waitForSelector(selector, { timeout: 40_000 });
    const path = await screenshot(page, name);
    if ((await page.locator(selector).count()) > 0 || attempt === 3) return path;
  }
}

/** Full-page screenshot into test-output/dashboard/, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
