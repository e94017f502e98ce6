import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 30_000, interval: 100 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** A 16x16 grey thumbnail: two JPEGs of one picture are close, of two pictures far apart. */
async function grey(jpeg: Buffer): Promise<Uint8Array> {
  return sharp(jpeg).resize(16, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
}
function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length;
}

describe('"This is…" saves the picture it shows (issue 20, item 1; chromium, tiny model, folder replay)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;
  let pictures: { name: string; grey: Uint8Array }[];

  beforeAll(async () => {
    const s19 = await pattern(61, 640, 480);
    const m30 = await pattern(62, 640, 480);
    pictures = [
      { name: 'S19j Pro', grey: await grey(s19) },
      { name: 'M30S++', grey: await grey(m30) },
    ];
    const frames = tempDir('bs-frames-');
    // one board, then another arrives in the slot two seconds later, and so on
    writeFrames(frames, [s19, m30], 10);
    [{ daemon, url }, browser] = await Promise.all([
      startTestDaemon(frames, { camera: { source: { kind: 'folder', path: frames, fps: 5 } } }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  /** Which of the two pictures a JPEG shows. */
  const which = async (jpeg: Buffer) => {
    const g = await grey(jpeg);
    const [a, b] = pictures.map((p) => distance(g, p.grey)) as [number, number];
    expect(Math.min(a, b) * 3).toBeLessThan(Math.max(a, b));
    return a < b ? pictures[0]!.name : pictures[1]!.name;
  };
  const bytes = async (path: string) => Buffer.from(await (await fetch(`${url}${path}`)).arrayBuffer());

  it('a board that arrives while the dialog is open is not the one saved; an expired picture says so', async () => {
    const { page, errors } = await browser.open(url);
    await page.getByRole('button', { name: /This is…/ }).click();
    const dialog = page.getByRole('dialog', { name: 'This is… (slot “bench”)' });
    const shown = dialog.getByTestId('enroll-picture');
    await shown.waitFor();
    await expect
      .poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth), POLL)
      .toBeGreaterThan(0);
    const shownName = await which(await bytes((await shown.getAttribute('src'))!));

    // the other board arrives in the slot while the person fills in the form
    await expect.poll(async () => which(await bytes('/api/frame.jpg')), POLL).not.toBe(shownName);
    await dialog.getByLabel('Vendor').fill('Bitmain');
    await dialog.getByLabel('Model').fill(shownName);
    await dialog.getByLabel('Kind').selectOption('hashboard');
    await dialog.getByRole('button', { name: 'Create board and add picture' }).click();
    await expect.poll(() => page.locator('dialog[open]').count(), POLL).toBe(0);

    const { boards } = (await (await fetch(`${url}/api/boards`)).json()) as {
      boards: { model: string; references: { imageUrl: string; source: string }[] }[];
    };
    expect(boards.map((b) => b.model)).toEqual([shownName]);
    expect(boards[0]!.references).toHaveLength(1);
    expect(boards[0]!.references[0]!.source).toBe('live');
    expect(await which(await bytes(boards[0]!.references[0]!.imageUrl))).toBe(shownName);
    expect(errors).toEqual([]);

    // API: a handle that is no longer kept is a clear, stable error; fromSlot still works for scripts
    const post = (body: unknown) =>
      fetch(`${url}/api/boards/1/references`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const expired = await post({ fromCapture: 'Zm9yZ290dGVuLWNhcHR1cmU' });
    expect(expired.status).toBe(410);
    const body = (await expired.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('E_CAPTURE_EXPIRED');
    expect(body.error.message).toContain('no longer kept');
    expect((await post({ fromSlot: 'bench' })).status).toBe(201);
  });
});
