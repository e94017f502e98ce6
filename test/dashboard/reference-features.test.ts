import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { boardPhoto } from '../helpers/board-photo.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot, TABLET } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine (an upload runs ORB on each picture). */
const POLL = { timeout: 60_000 };

const EN_FEW = 'Few local features: this photo is blurred or featureless';
const FR_FEW = 'Peu de points caractéristiques\u00a0: cette photo est floue ou sans détails';

describe('Enrollment in chromium shows the local features of each new reference and warns about a featureless photo (real opencv.js)', () => {
  let daemon: Daemon;
  let url: string;
  const files: { name: string; mimeType: string; buffer: Buffer }[] = [];

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(7, 640, 480)], 4);
    ({ daemon, url } = await startTestDaemon(frames));
    await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 features', kind: 'hashboard' }),
    });
    const jpeg = await boardPhoto();
    const grey = { width: 640, height: 480, channels: 3 as const, background: { r: 128, g: 128, b: 128 } };
    files.push(
      { name: 'sharp-board.jpg', mimeType: 'image/jpeg', buffer: jpeg },
      {
        name: 'grey-wall.jpg',
        mimeType: 'image/jpeg',
        buffer: await sharp({ create: grey }).jpeg().toBuffer(),
      },
    );
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('en: the Enroll page upload, then the catalog editor, show the counts and the warning on the featureless photo only', async () => {
    const browser = await launchBrowser('en-US');
    try {
      const { page, errors } = await browser.open(`${url}/#/enroll`, TABLET);
      await expect.poll(() => page.locator('#upload-board option').count(), POLL).toBeGreaterThan(1);
      await page.selectOption('#upload-board', { label: 'Bitmain S19 features' });
      await page.setInputFiles('#upload-files-any', files);
      await page.getByRole('button', { name: 'Upload' }).click();
      const progress = page.getByTestId('upload-progress');
      await expect.poll(() => progress.locator('label').textContent(), POLL).toContain('2 of 2 added');
      const sharpRow = progress.locator('li', { hasText: 'sharp-board.jpg' });
      const greyRow = progress.locator('li', { hasText: 'grey-wall.jpg' });
      const count = (await sharpRow.getByTestId('ref-features').textContent()) ?? '';
      expect(Number(count.match(/^([\d,]+) local features/)?.[1]?.replace(',', ''))).toBeGreaterThanOrEqual(
        60,
      );
      expect(await sharpRow.getByTestId('features-few').count()).toBe(0);
      expect(await greyRow.getByTestId('ref-features').textContent()).toContain('0 local features');
      expect(await greyRow.getByTestId('features-few').textContent()).toContain(EN_FEW);
      await screenshot(page, 'enroll-features-en');

      await page.goto(`${url}/#/catalog`);
      await page
        .getByRole('article', { name: 'Bitmain S19 features' })
        .getByRole('button', { name: 'Edit' })
        .click();
      const refs = page.locator('dialog[open] .ref-grid li');
      await expect.poll(() => refs.count(), POLL).toBe(2);
      expect(await refs.getByTestId('features-few').count()).toBe(1);
      expect(await refs.nth(1).getByTestId('features-few').textContent()).toContain(EN_FEW);
      expect(await refs.nth(0).getByTestId('ref-features').textContent()).toMatch(/\d local features$/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('fr-CA: the catalog editor says it in French', async () => {
    // its own board, its pictures sent through the API: this test does not depend on the one above
    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 fr', kind: 'hashboard' }),
    });
    const { id } = (await created.json()) as { id: number };
    const form = new FormData();
    for (const f of files)
      form.append('image', new Blob([new Uint8Array(f.buffer)], { type: f.mimeType }), f.name);
    expect((await fetch(`${url}/api/boards/${id}/references`, { method: 'POST', body: form })).status).toBe(
      201,
    );
    const browser = await launchBrowser('fr-CA');
    try {
      const { page, errors } = await browser.open(`${url}/#/catalog`);
      await page.getByRole('article', { name: 'Bitmain S19 fr' }).getByRole('button').first().click();
      const refs = page.locator('dialog[open] .ref-grid li');
      await expect.poll(() => refs.count(), POLL).toBe(2);
      expect(await refs.nth(1).getByTestId('ref-features').textContent()).toContain(
        '0 point caractéristique local',
      );
      expect(await refs.nth(1).getByTestId('features-few').textContent()).toContain(FR_FEW);
      expect(await refs.nth(0).getByTestId('ref-features').textContent()).toMatch(
        /\d points caractéristiques locaux$/,
      );
      await refs.nth(1).scrollIntoViewIfNeeded();
      await screenshot(page, 'fr-CA-editor-features');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
