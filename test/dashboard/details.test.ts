import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot, TABLET } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

describe('dashboard in chromium: an upload with a bad file, an offline camera (tiny model)', () => {
  let browser: Browser;
  let bench: { daemon: Daemon; url: string };
  let offline: { daemon: Daemon; url: string };

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(31, 640, 480)], 4);
    [bench, offline, browser] = await Promise.all([
      startTestDaemon(frames),
      // a camera folder that does not exist: the source stays offline (retrying) while the daemon serves
      startTestDaemon(join(tempDir('bs-no-camera-'), 'not-there'), {
        slots: [
          { name: 'left', rect: { x: 0, y: 0, width: 0.5, height: 1 } },
          { name: 'right', rect: { x: 0.5, y: 0, width: 0.5, height: 1 } },
        ],
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await bench?.daemon.stop();
    await offline?.daemon.stop();
  });

  it('an upload where one file fails says how many were added and how many failed', async () => {
    const created = await fetch(`${bench.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S21 hashboard', kind: 'hashboard' }),
    });
    expect(created.status).toBe(201);
    const { page, errors } = await browser.open(`${bench.url}/#/enroll`, TABLET);
    await expect.poll(() => page.locator('#upload-board option').count(), POLL).toBeGreaterThan(1);
    await page.selectOption('#upload-board', { label: 'Bitmain S21 hashboard' });
    await page.setInputFiles('#upload-files-any', [
      { name: 'good.jpg', mimeType: 'image/jpeg', buffer: await pattern(32) },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture at all') },
    ]);
    await page.getByRole('button', { name: 'Upload' }).click();
    const progress = page.getByTestId('upload-progress');
    await expect
      .poll(() => progress.locator('label').textContent(), POLL)
      .toContain('1 of 2 added, 1 failed');
    expect(await progress.locator('.upload-failed').count()).toBe(1);
    expect(await progress.locator('label').textContent()).not.toContain('2 of 2');
    // the failed upload's 4xx is reported on the page, not as a script error
    expect(errors.filter((e) => !e.includes('status of 4'))).toEqual([]);
  });

  it('with the camera offline, each slot card says so and "This is…" is disabled', async () => {
    const { page, errors } = await browser.open(offline.url, TABLET);
    const cards = page.getByTestId('slot-card');
    await expect.poll(() => cards.count(), POLL).toBe(2);
    for (const card of await cards.all()) {
      await expect
        .poll(() => card.getByTestId('camera-offline').textContent(), POLL)
        .toMatch(/Camera offline.*does not exist/);
      expect(await card.getByRole('button', { name: /This is…/ }).isDisabled()).toBe(true);
      expect(await card.textContent()).not.toContain('Waiting for a stable picture');
    }
    await screenshot(page, 'camera-offline-tablet');
    expect(errors).toEqual([]);
  });
});
