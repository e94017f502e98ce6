import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { RecognitionPage } from '../../src/protocol.ts';
import { renderLabel } from '../../tools/synth/label.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot } from './browser.ts';

const SERIAL = 'JQSFAFAD59CFPS0NN';
const POLL = { timeout: 60_000, interval: 200 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

describe('an empty catalog (issue 20, item 3; chromium, tiny model, PP-OCRv4, folder replay)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    // the empty bench (no reference for it), then a board with a readable label is put down
    const bench = await pattern(71, 800, 600);
    const board = await renderLabel(
      { model: 'S19J-PRO-HB 2023-11', serial: SERIAL },
      {
        width: 800,
        height: 600,
        rotateDeg: 1.5,
        blurSigma: 0.5,
        modelPx: 20,
        serialPx: 14,
        pcb: '#1d5c37',
        seed: 5,
      },
    );
    const frames = tempDir('bs-frames-');
    // two seconds of the empty bench, then eight of the board (the replay loops)
    writeFrames(frames, [...Array(10).fill(bench), ...Array(40).fill(board.jpeg)], 1);
    [{ daemon, url }, browser] = await Promise.all([
      startTestDaemon(frames, {
        ocr: { enabled: true },
        camera: { source: { kind: 'folder', path: frames, fps: 5 } },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('shows a first-run checklist, and a board put down after another unknown one is recognized anew, with its text', async () => {
    const { page, errors } = await browser.open(url);
    const checklist = page.getByTestId('first-run');
    await checklist.waitFor();
    expect(await page.getByTestId('first-run-bench').getAttribute('data-done')).toBe('false');
    expect(await page.getByTestId('first-run-boards').getAttribute('data-done')).toBe('false');
    expect(
      await checklist.getByRole('link', { name: 'create a board on the Enroll page' }).getAttribute('href'),
    ).toBe('#/enroll?new');

    // the board's label is read on its own recognition: the card shows its serial, not "No text found"
    const card = page.locator('[data-testid=slot-card][data-state=unknown]');
    await expect
      .poll(
        () =>
          card
            .getByTestId('serial')
            .textContent()
            .catch(() => null),
        POLL,
      )
      .toBe(SERIAL);
    expect(await card.textContent()).not.toContain('No text found');
    await screenshot(page, 'first-run-unknown-with-text');

    const history = (await (await fetch(`${url}/api/recognitions?limit=50`)).json()) as RecognitionPage;
    const unknowns = history.items.filter((r) => r.boardId === null);
    expect(unknowns.length).toBeGreaterThanOrEqual(2);
    expect(unknowns.every((r) => r.thumbnailUrl !== null)).toBe(true);
    expect(unknowns.some((r) => r.text?.serial === SERIAL)).toBe(true);

    // the checklist's link opens the new-board form on the Enroll page
    await checklist.getByRole('link', { name: 'create a board on the Enroll page' }).click();
    const form = page.getByRole('dialog', { name: 'New board' });
    await form.waitFor();
    await form.getByLabel('Vendor').fill('Bitmain');
    await form.getByLabel('Model').fill('S19j Pro hashboard');
    await form.getByLabel('Kind').selectOption('hashboard');
    await form.getByRole('button', { name: 'Create board' }).click();
    await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);
    expect(((await (await fetch(`${url}/api/boards`)).json()) as { boards: unknown[] }).boards).toHaveLength(
      1,
    );
    expect(errors).toEqual([]);
  });
});
