import type { Page } from 'playwright-core';
import type { RegionBox } from '../../src/protocol.ts';
import type { launchBrowser } from './browser.ts';

/** The board editor's inspection map, driven as a user does (shared by the inspection-map tests). */

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

export async function logIn(browser: Browser, url: string, user: string, password: string) {
  const w = await browser.open(`${url}/login`);
  await w.page.locator('input[name=name]').fill(user);
  await w.page.locator('input[name=password]').fill(password);
  await w.page.locator('button[type=submit]').click();
  await w.page.locator('[data-testid=slot-card]').first().waitFor({ timeout: 30_000 });
  return w;
}

/** Opens the editor of the board whose card shows `model` on the catalog page and waits for its inspection map. */
export async function openEditor(page: Page, url: string, model: string, editLabel: string, summary: string) {
  await page.goto(`${url}/#/catalog`);
  const card = page.getByTestId('board-card').filter({ hasText: model });
  await card.getByRole('button', { name: editLabel }).click();
  await page.getByText(summary, { exact: true }).click();
  const map = page.getByTestId('inspection-map');
  await map.waitFor();
  return map;
}

/** A mouse drag over the picture, from the box's top-left corner to its bottom-right one. */
export async function drag(page: Page, box: RegionBox) {
  const canvas = page.getByTestId('region-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const r = (await canvas.boundingBox())!;
  await page.mouse.move(r.x + box.x * r.width, r.y + box.y * r.height);
  await page.mouse.down();
  await page.mouse.move(r.x + (box.x + box.width) * r.width, r.y + (box.y + box.height) * r.height, {
    steps: 8,
  });
  await page.mouse.up();
  await page.getByTestId('region-drawn').waitFor();
}
