import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 30_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

describe('dashboard in chromium: a grid of the benches when the daemon has several cameras (tiny model)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;
  let boardId: number;

  beforeAll(async () => {
    const board = await pattern(61);
    const one = tempDir('bs-grid-');
    writeFrames(one, [await pattern(62), board], 6);
    const two = tempDir('bs-grid-');
    writeFrames(two, [await pattern(63)], 2);
    const absent = join(tempDir('bs-grid-absent-'), 'missing');
    const slot = (name: string) => ({ name, rect: { x: 0, y: 0, width: 1, height: 1 } });
    const started = await startTestDaemon(one, {
      cameras: [
        { id: 'bench-1', source: { kind: 'folder', path: one, fps: 10 }, slots: [slot('left')] },
        { id: 'bench-2', source: { kind: 'folder', path: two, fps: 10 }, slots: [slot('left')] },
        { id: 'bench-3', source: { kind: 'folder', path: absent, fps: 10 }, slots: [slot('left')] },
      ],
    });
    daemon = started.daemon;
    url = started.url;
    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 XP', kind: 'hashboard' }),
    });
    boardId = ((await created.json()) as { id: number }).id;
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(board)], { type: 'image/jpeg' }), 'ref.jpg');
    await fetch(`${url}/api/boards/${boardId}/references`, { method: 'POST', body: form });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('shows every bench with its name, opens one on a click and goes back to the grid', async () => {
    const { page, errors } = await browser.open(url);
    const tiles = page.getByTestId('bench-tile');
    await expect.poll(() => tiles.count(), POLL).toBe(3);
    expect(await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-camera')))).toEqual([
      'bench-1',
      'bench-2',
      'bench-3',
    ]);
    await expect.poll(() => tiles.nth(0).textContent(), POLL).toContain('Camera bench-1');
    // the absent camera's tile says so; bench-1's tile names the board once it is recognized
    await expect
      .poll(() => tiles.nth(2).getByTestId('camera-badge').getAttribute('data-state'), POLL)
      .not.toBe('online');
    await expect.poll(() => tiles.nth(0).textContent(), POLL).toContain('S19 XP');
    await screenshot(page, 'benches-grid');

    await tiles.nth(0).click();
    await expect.poll(() => page.url()).toContain('#/live?camera=bench-1');
    const cards = page.getByTestId('slot-card');
    await expect.poll(() => cards.count(), POLL).toBe(1);
    expect(await cards.first().getAttribute('data-camera')).toBe('bench-1');
    expect(await cards.first().getByTestId('slot-camera').textContent()).toBe('Camera bench-1');
    await expect.poll(() => page.locator('.frame-box canvas').getAttribute('data-seq'), POLL).not.toBeNull();
    expect(await page.locator('.frame-box').getAttribute('data-camera')).toBe('bench-1');
    await screenshot(page, 'benches-one');

    await page.getByTestId('all-benches').click();
    await expect.poll(() => tiles.count(), POLL).toBe(3);
    // the absent camera's own view: its card says the camera gives no picture
    await tiles.nth(2).click();
    await expect.poll(() => page.getByTestId('camera-offline').count(), POLL).toBe(1);
    expect(await page.getByTestId('slot-camera').textContent()).toBe('Camera bench-3');
    expect(errors).toEqual([]);
  }, 120_000);

  it('in French, the grid and the camera names are translated', async () => {
    const fr = await launchBrowser('fr-CA');
    try {
      const { page } = await fr.open(url);
      const tiles = page.getByTestId('bench-tile');
      await expect.poll(() => tiles.count(), POLL).toBe(3);
      await expect.poll(() => tiles.nth(1).textContent(), POLL).toContain('Caméra bench-2');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Établis');
    } finally {
      await fr.close();
    }
  }, 120_000);
});
