import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { OcrPayload, ServerToClientEvents } from '../../src/protocol.ts';
import { type LabelOptions, renderLabel } from '../../tools/synth/label.ts';
import { launchBrowser, screenshot } from '../dashboard/browser.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

/** A hashboard's silkscreen part number and its serial sticker, photographed on the bench. */
const SHOT: LabelOptions = {
  width: 800,
  height: 600,
  rotateDeg: -2,
  blurSigma: 0.6,
  modelPx: 22,
  serialPx: 14,
  pcb: '#1d5c37',
  seed: 5,
};

describe('a part number read off a board nobody enrolled (real daemon, PP-OCRv4, SQLite, socket.io)', () => {
  let daemon: Daemon;
  let url: string;
  let socket: Socket<ServerToClientEvents>;
  let frame: Buffer;
  let ocr: OcrPayload;

  beforeAll(async () => {
    frame = (await renderLabel({ model: 'BHB42601', serial: 'HKYTZ2BBCJDJ0A2C3' }, SHOT)).jpeg;
    const frames = tempDir('bs-part-frames-');
    writeFrames(frames, [frame], 8);
    socket = undefined as never;
    ({ daemon, url } = await startTestDaemon(frames, { ocr: { enabled: true } }));
    socket = io(url, { transports: ['websocket'], reconnection: false });
    ocr = await new Promise<OcrPayload>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no ocr event with a part number within 60 s')),
        60_000,
      );
      socket.on('ocr', (p) => {
        if (!p.partNumber) return;
        clearTimeout(timer);
        resolve(p);
      });
    });
  });

  afterAll(async () => {
    socket?.close();
    await daemon?.stop();
  });

  it('the ocr event carries the part number and its family facts, for an unknown board', () => {
    expect(ocr.board).toBeNull();
    expect(ocr.partNumber).toEqual({
      code: 'BHB42601',
      read: 'BHB42601',
      family: 'BHB425xx/BHB426xx',
      asicChip: 'BM1362',
      models: ['Antminer S19j Pro'],
      chipsPerBoard: 126,
      subRevision: false,
      source: expect.stringContaining('d-central.tech'),
    });
    expect(ocr.partNumberConflict).toBe(false);
  });

  it('history keeps it and filters on it (part=), the CSV has it, a bad filter is a 400', async () => {
    const page = await (await fetch(`${url}/api/recognitions?part=bhb426`)).json();
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect(page.items[0].text.partNumber).toEqual(ocr.partNumber);
    const none = await (await fetch(`${url}/api/recognitions?part=BHB425`)).json();
    expect(none.total).toBe(0);
    const bad = await fetch(`${url}/api/recognitions?part=${encodeURIComponent("BHB'; --")}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/part/);
    const csv = await (await fetch(`${url}/api/recognitions?format=csv&part=BHB42601`)).text();
    const [header, row] = csv.split('\r\n');
    const col = header!.split(',').indexOf('part_number');
    expect(col).toBeGreaterThan(0);
    expect(row!.split(',')[col]).toBe('BHB42601');
  });

  it('/api/recognize reads it off an uploaded photo', async () => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(frame)], { type: 'image/jpeg' }), 'board.jpg');
    const res = await fetch(`${url}/api/recognize`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ocr.partNumber).toMatchObject({ code: 'BHB42601', asicChip: 'BM1362', chipsPerBoard: 126 });
  });

  it('GET /api/hardware serves the shipped facts with their credit', async () => {
    const res = await fetch(`${url}/api/hardware`);
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.credit).toBe('D-Central (d-central.tech)');
    expect(data.models.find((m: { model: string }) => m.model === 'Antminer S19j Pro')).toMatchObject({
      asicChip: 'BM1362',
      chipsPerBoard: 126,
      voltageDomains: 42,
    });
  });

  it('the live card shows the facts for the unknown board; "Enroll as…" pre-fills the form and takes the live picture (real browser)', async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.open(`${url}/`);
      const card = page.locator('[data-testid="slot-card"][data-state="unknown"]');
      const part = card.getByTestId('part-number');
      await expect
        .poll(() => part.textContent(), { timeout: 30_000 })
        .toContain('BHB42601: Antminer S19j Pro hashboard, BM1362 × 126 (from its part number)');
      await screenshot(page, 'live-part-number');
      await card.getByTestId('enroll-as').click();
      const dialog = page.locator('dialog[open]');
      expect(await dialog.locator('#board-vendor').inputValue()).toBe('Bitmain');
      expect(await dialog.locator('#board-model').inputValue()).toBe('S19j Pro');
      expect(await dialog.locator('#board-kind').inputValue()).toBe('hashboard');
      expect(await dialog.locator('#board-chipType').inputValue()).toBe('BM1362');
      expect(await dialog.locator('#board-chipCount').inputValue()).toBe('126');
      await dialog.locator('button[type="submit"]').click();
      await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
      const { boards } = await (await fetch(`${url}/api/boards`)).json();
      expect(boards).toHaveLength(1);
      expect(boards[0]).toMatchObject({
        vendor: 'Bitmain',
        model: 'S19j Pro',
        chipType: 'BM1362',
        chipCount: 126,
      });
      const refs = await (await fetch(`${url}/api/boards/${boards[0].id}`)).json();
      expect(refs.references).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('the board form fills chips from a picked model and warns (without refusing) on a contradicting count; About credits D-Central (real browser)', async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.open(`${url}/#/catalog`);
      await page.getByRole('button', { name: 'New board' }).click();
      const dialog = page.locator('dialog[open]');
      // the reference's models are offered
      await expect
        .poll(() => dialog.locator('#hardware-models option[value="Antminer S21 XP"]').count())
        .toBe(1);
      await dialog.locator('#board-vendor').fill('Bitmain');
      await dialog.locator('#board-model').fill('Antminer S21 XP');
      await expect.poll(() => dialog.locator('#board-chipCount').inputValue()).toBe('91');
      expect(await dialog.locator('#board-chipType').inputValue()).toBe('BM1370');
      expect(await dialog.locator('#board-kind').inputValue()).toBe('hashboard');
      expect(await dialog.getByTestId('chipCount-warning').count()).toBe(0);
      // a reworked board: 90 chips is a warning, and the board is still saved with 90
      await dialog.locator('#board-chipCount').fill('90');
      await expect
        .poll(() => dialog.getByTestId('chipCount-warning').textContent())
        .toContain('The hardware reference says 91 chips for Antminer S21 XP');
      // another model replaces what the reference filled, never what was typed
      await dialog.locator('#board-model').fill('Antminer S19');
      await expect.poll(() => dialog.locator('#board-chipType').inputValue()).toBe('BM1398');
      expect(await dialog.locator('#board-chipCount').inputValue()).toBe('90');
      await dialog.locator('#board-model').fill('Antminer S21 XP');
      await expect.poll(() => dialog.locator('#board-chipType').inputValue()).toBe('BM1370');
      await dialog.locator('button[type="submit"]').click();
      await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
      const { boards } = await (await fetch(`${url}/api/boards`)).json();
      expect(boards.find((b: { model: string }) => b.model === 'Antminer S21 XP')).toMatchObject({
        chipType: 'BM1370',
        chipCount: 90,
      });
      await page.getByTestId('about').click();
      const credit = page.getByTestId('hardware-credit');
      expect(await credit.textContent()).toContain('D-Central (d-central.tech)');
      expect(await credit.textContent()).toContain('CC BY 4.0');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
