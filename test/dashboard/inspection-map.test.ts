import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../dashboard/src/i18n/catalogs/index.ts';
import type { Daemon } from '../../src/main.ts';
import type { InspectionMapJson, RegionBox } from '../../src/protocol.ts';
import { hashPassword } from '../../src/server/auth.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { bareHashboard, chipBox, chipCount, enrollGolden } from '../inspect/boards.ts';
import { launchBrowser, screenshot } from './browser.ts';
import { drag, logIn as logInAs, openEditor as openBoardEditor } from './inspection-map-page.ts';
import { apiData, untranslated } from './language-check.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 30_000 };
const SEED = 303;
const PASSWORD = 'bench-secret-42';
const TOKEN = 'inspection-map-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const en = CATALOGS.en;
const fr = CATALOGS['fr-CA'];
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const logIn = (browser: Browser, url: string, user: string) => logInAs(browser, url, user, PASSWORD);
const openEditor = (page: Page, url: string, editLabel: string, summary: string) =>
  openBoardEditor(page, url, `S-${SEED}`, editLabel, summary);

/** Where the connector is drawn, in fractions of the reference (a corner of the board, away from the chips). */
const CONNECTOR: RegionBox = { x: 0.02, y: 0.04, width: 0.07, height: 0.12 };

/** Intersection over union of two boxes. */
function overlap(a: RegionBox, b: RegionBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

const getMap = async (url: string, boardId: number) =>
  (await (
    await fetch(`${url}/api/boards/${boardId}/inspection-map`, { headers: AUTH })
  ).json()) as InspectionMapJson;

describe('dashboard in chromium: the inspection map editor of a board (real opencv.js, tiny ViT, SQLite; an admin and a viewer log in)', () => {
  const good = bareHashboard(SEED);
  const chips = chipCount(good);
  // the catalog says two more chips than the board shows: the editor must say so before saving
  const expected = chips + 2;
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  let referenceId: number;

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(7)], 2);
    ({ daemon, url } = await startTestDaemon(frames, {
      auth: {
        required: true,
        users: [
          { name: 'boss', passwordHash: hashPassword(PASSWORD), role: 'admin' },
          { name: 'tech', passwordHash: hashPassword(PASSWORD), role: 'viewer' },
        ],
        tokens: [{ name: 'test', token: TOKEN, role: 'admin' }],
      },
    }));
    ({ boardId, referenceId } = await enrollGolden(url, good, AUTH));
    const patched = await fetch(`${url}/api/boards/${boardId}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ chipCount: expected }),
    });
    expect(patched.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('an admin marks one chip by mouse, finds the others, removes one, adds a connector, sees a refused save, saves; the map comes back after a reload', async () => {
    const browser = await launchBrowser('en-US');
    try {
      const { page, errors } = await logIn(browser, url, 'boss');
      const map = await openEditor(page, url, en['catalog.edit'], en['editor.inspectionMap']);
      // the picture drawn on is the stored reference itself, at its own size
      const img = map.locator('.region-picture img');
      expect(await img.getAttribute('src')).toBe(`/api/references/${referenceId}/image.jpg`);
      const ref = (await (
        await fetch(`${url}/api/boards/${boardId}`, { headers: AUTH }).then((r) => r.json())
      ).references[0]) as { width: number };
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), POLL).toBe(ref.width);

      await drag(page, chipBox(good, 40));
      await map.getByRole('button', { name: en['inspectionMap.findChips'] }).click();
      const proposal = map.getByTestId('chip-proposal');
      await expect
        .poll(() => proposal.textContent(), POLL)
        .toBe(`Found ${chips} chips, this board type has ${expected}`);
      const regions = map.getByTestId('region');
      expect(await regions.count()).toBe(chips);

      await map.locator('[data-testid=region][aria-label="Remove chip 5"]').click();
      expect(await regions.count()).toBe(chips - 1);
      expect(await map.getByTestId('chip-count').textContent()).toBe(
        `The map has ${chips - 1} chips and 0 other regions; this board type has ${expected} chips`,
      );

      await drag(page, CONNECTOR);
      await map.getByLabel(en['inspectionMap.kind']).selectOption('connector');
      await map.getByLabel(en['inspectionMap.label']).fill('PSU connector');
      await map.getByRole('button', { name: en['inspectionMap.addRegion'] }).click();
      expect(await regions.count()).toBe(chips);

      // a label longer than the daemon takes: the save is refused, its reason shown, nothing lost
      const long = 'x'.repeat(81);
      await drag(page, { x: 0.9, y: 0.04, width: 0.06, height: 0.1 });
      await map.getByLabel(en['inspectionMap.label']).fill(long);
      await map.getByRole('button', { name: en['inspectionMap.addRegion'] }).click();
      await map.getByRole('button', { name: en['inspectionMap.save'] }).click();
      const error = map.getByTestId('inspection-map-error');
      await expect.poll(() => error.textContent(), POLL).toContain('label must be at most 80 characters');
      expect(await regions.count()).toBe(chips + 1);
      await screenshot(page, 'inspection-map-refused');
      expect((await fetch(`${url}/api/boards/${boardId}/inspection-map`, { headers: AUTH })).status).toBe(
        404,
      );

      await map.locator(`[data-testid=region][aria-label="Remove ${long}"]`).click();
      await map.getByRole('button', { name: en['inspectionMap.save'] }).click();
      await page.getByText(`Inspection map saved (${chips} regions).`).waitFor();
      expect(await error.count()).toBe(0);

      const saved = await getMap(url, boardId);
      expect(saved.referenceId).toBe(referenceId);
      expect(saved.regions.filter((r) => r.kind === 'chip')).toHaveLength(chips - 1);
      expect(saved.regions.some((r) => r.label === 'chip 5')).toBe(false);
      const connector = saved.regions.find((r) => r.kind === 'connector')!;
      expect(connector.label).toBe('PSU connector');
      for (const k of ['x', 'y', 'width', 'height'] as const) {
        expect(Math.abs(connector.box[k] - CONNECTOR[k])).toBeLessThan(0.005);
      }
      // every chip found lies on a chip of the synthetic board: the boxes are in the reference's fractions
      const truth = Array.from({ length: chips }, (_, i) => chipBox(good, i));
      for (const r of saved.regions.filter((x) => x.kind === 'chip')) {
        expect(Math.max(...truth.map((b) => overlap(b, r.box)))).toBeGreaterThan(0.7);
      }

      await page.reload();
      const again = await openEditor(page, url, en['catalog.edit'], en['editor.inspectionMap']);
      await expect.poll(() => again.getByTestId('region').count(), POLL).toBe(chips);
      expect(await again.getByTestId('chip-count').textContent()).toBe(
        `The map has ${chips - 1} chips and 1 other region; this board type has ${expected} chips`,
      );
      await again.getByTestId('region-canvas').scrollIntoViewIfNeeded();
      await screenshot(page, 'inspection-map-editor');
      // the browser's own console lines for the refused save (400) and the map not drawn yet (404)
      expect(errors.filter((e) => !/status of (400|404) /.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('fr-CA: the editor and a chip proposal speak French only', async () => {
    const browser = await launchBrowser('fr-CA');
    try {
      const { page, errors } = await logIn(browser, url, 'boss');
      const map = await openEditor(page, url, fr['catalog.edit'], fr['editor.inspectionMap']);
      await expect.poll(() => map.getByTestId('region').count(), POLL).toBe(chips);
      expect(await map.getByTestId('chip-count').textContent()).toBe(
        `Le plan compte ${chips - 1} puces et 1 autre zone; ce type de carte a ${expected} puces`,
      );
      await drag(page, chipBox(good, 40));
      await map.getByRole('button', { name: fr['inspectionMap.findChips'] }).click();
      await expect
        .poll(() => map.getByTestId('chip-proposal').textContent(), POLL)
        .toBe(`${chips} puces trouvées, ce type de carte en a ${expected}`);
      const labels = (await getMap(url, boardId)).regions.map((r) => r.label);
      const data = [...(await apiData(url, AUTH)), ...labels, 'chip 5'];
      expect(await untranslated(page, 'fr-CA', data)).toEqual([]);
      await map.getByTestId('region-canvas').scrollIntoViewIfNeeded();
      await screenshot(page, 'fr-CA-inspection-map-editor');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('a viewer sees the stored map and cannot change it', async () => {
    const browser = await launchBrowser('en-US');
    try {
      const { page, errors } = await logIn(browser, url, 'tech');
      const map = await openEditor(page, url, en['catalog.edit'], en['editor.inspectionMap']);
      await expect.poll(() => map.getByTestId('region').count(), POLL).toBe(chips);
      await map.getByText(en['inspectionMap.viewerOnly']).waitFor();
      expect(await map.getByRole('button').count()).toBe(0);
      await map.locator('[data-testid=region][aria-label="Region chip 7"]').click();
      expect(await map.getByTestId('region').count()).toBe(chips);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
