import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type {
  OcrPayload,
  RecognizedPayload,
  ServerToClientEvents,
  SnapshotPayload,
} from '../../src/protocol.ts';
import { type LabelOptions, renderLabel } from '../../tools/synth/label.ts';
import { launchBrowser, screenshot } from '../dashboard/browser.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const SERIAL_XP = 'HKYTZ2BBCJDJ0A2C3';
const SERIAL_PRO = 'JQSFAFAD59CFPS0NN';
/** Both boards photographed the same way: only the silkscreen and sticker text differ. */
const SHOT: LabelOptions = {
  width: 800,
  height: 600,
  rotateDeg: 2.5,
  blurSigma: 0.7,
  modelPx: 20,
  serialPx: 14,
  pcb: '#1d5c37',
  seed: 11,
};

function next<T>(socket: Socket, event: string, pred: (p: T) => boolean, ms = 100_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${event} within ${ms} ms`)), ms);
    const handler = (p: T) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(p);
    };
    socket.on(event, handler);
  });
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('label text disambiguates look-alike boards (real daemon, tiny ViT, PP-OCRv4, SQLite, socket.io)', () => {
  let daemon: Daemon;
  let url: string;
  let socket: Socket<ServerToClientEvents>;
  let snapshot: SnapshotPayload;
  let xpFrame: Buffer;
  let pro: { id: number };
  let xp: { id: number };
  let recognized: RecognizedPayload;
  let ocr: OcrPayload;
  /** Every recognized and ocr event as it arrived, to check their order. */
  const arrivals: { event: string; recognitionId: number | null }[] = [];
  const texts: OcrPayload[] = [];

  beforeAll(async () => {
    // On the bench: an S19 XP hashboard. Its look-alike, the S19j Pro, was photographed under the same
    // light; the XP's own reference picture is brighter (another day, another lamp). To the encoder the
    // Pro is the closer picture; only the label says otherwise.
    xpFrame = (await renderLabel({ model: 'S19-XP-HB 2024-05', serial: SERIAL_XP }, SHOT)).jpeg;
    const frames = tempDir('bs-ocr-frames-');
    writeFrames(frames, [xpFrame], 8);
    // Geometric verification off: it tells the two labels apart by their layout, so vision would not
    // name the look-alike, and this is the case where only the text can (an encoder-only bench).
    ({ daemon, url } = await startTestDaemon(frames, {
      ocr: { enabled: true },
      match: { threshold: 0.995, minMargin: 0, smoothing: 1, verify: { enabled: false } },
    }));
    socket = io(url, { transports: ['websocket'], reconnection: false });
    snapshot = await new Promise<SnapshotPayload>((resolve) => socket.once('snapshot', resolve));
    socket.on('recognized', (p) => arrivals.push({ event: 'recognized', recognitionId: p.recognitionId }));
    socket.on('ocr', (p) => {
      arrivals.push({ event: 'ocr', recognitionId: p.recognitionId });
      texts.push(p);
    });
  });

  afterAll(async () => {
    socket?.close();
    await daemon?.stop();
  });

  it('the snapshot says OCR is on (an empty list of slot texts)', () => {
    expect(snapshot.ocr).toEqual([]);
  });

  it('boards declare label patterns; an invalid regular expression is a 400', async () => {
    const proRes = await json(
      `${url}/api/boards`,
      post({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard', textPattern: 'S19J-?PRO' }),
    );
    expect(proRes.status).toBe(201);
    expect(proRes.body.textPattern).toBe('S19J-?PRO');
    pro = proRes.body;
    const bad = await json(
      `${url}/api/boards`,
      post({ vendor: 'Bitmain', model: 'S19 XP hashboard', kind: 'hashboard', textPattern: 'S19(XP' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('textPattern');
    const xpRes = await json(
      `${url}/api/boards`,
      post({ vendor: 'Bitmain', model: 'S19 XP hashboard', kind: 'hashboard', textPattern: 'S19-?XP' }),
    );
    expect(xpRes.status).toBe(201);
    xp = xpRes.body;
    const patch = await json(`${url}/api/boards/${xp.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ textPattern: '[unclosed' }),
    });
    expect(patch.status).toBe(400);
  });

  it('vision names the look-alike; the label corrects it to the board on the bench, after `recognized`', async () => {
    const proPicture = (await renderLabel({ model: 'S19J-PRO-HB 2024-05', serial: SERIAL_PRO }, SHOT)).jpeg;
    const xpPicture = await sharp(xpFrame).linear(1.35, 12).jpeg({ quality: 90 }).toBuffer();
    const gotRecognized = next<RecognizedPayload>(socket, 'recognized', (p) => p.board !== null);
    for (const [board, picture] of [
      [pro, proPicture],
      [xp, xpPicture],
    ] as const) {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'ref.jpg');
      const res = await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form });
      expect(res.status).toBe(201);
    }
    recognized = await gotRecognized;
    expect(recognized.board?.id, JSON.stringify(recognized.candidates)).toBe(pro.id);
    const deadline = Date.now() + 100_000;
    while (!texts.some((t) => t.recognitionId === recognized.recognitionId) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    ocr = texts.find((t) => t.recognitionId === recognized.recognitionId)!;
    expect(ocr, 'an ocr event for the recognition').toBeDefined();
    const order = arrivals.filter((a) => a.recognitionId === recognized.recognitionId).map((a) => a.event);
    expect(order).toEqual(['recognized', 'ocr']);
    expect(ocr.error).toBeNull();
    expect(ocr.lines.map((l) => l.text).join(' ')).toContain('S19-XP-HB');
    expect(ocr.serial).toBe(SERIAL_XP);
    expect(ocr.verdict).toBe('corrected');
    expect(ocr.textOverride).toBe(true);
    expect(ocr.visionBoard?.id).toBe(pro.id);
    expect(ocr.board?.id).toBe(xp.id);
    expect(ocr.textBoard?.id).toBe(xp.id);
    for (const line of ocr.lines) {
      expect(line.confidence).toBeGreaterThan(0.5);
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThanOrEqual(-0.1);
        expect(y).toBeLessThanOrEqual(1.1);
      }
    }
  }, 240_000);

  it('the history row names the board the label named, keeps what vision said, and is found by serial and text', async () => {
    const bySerial = await json(`${url}/api/recognitions?serial=${SERIAL_XP.toLowerCase()}`);
    expect(bySerial.status).toBe(200);
    expect(bySerial.body.total).toBeGreaterThanOrEqual(1);
    const row = bySerial.body.items.find((r: { id: number }) => r.id === recognized.recognitionId);
    expect(row.boardId).toBe(xp.id);
    expect(row.board.model).toBe('S19 XP hashboard');
    expect(row.text).toMatchObject({ serial: SERIAL_XP, verdict: 'corrected', textOverride: true });
    expect(row.text.visionBoardId).toBe(pro.id);
    expect(
      (await json(`${url}/api/recognitions?board=${xp.id}&text=s19-xp`)).body.total,
    ).toBeGreaterThanOrEqual(1);
    expect((await json(`${url}/api/recognitions?text=${encodeURIComponent('S19%XP')}`)).body.total).toBe(0);
    expect((await json(`${url}/api/recognitions?serial=NOSUCHSERIAL1`)).body.total).toBe(0);
    const perDay = await json(`${url}/api/recognitions/per-day?serial=${SERIAL_XP}`);
    expect(
      perDay.body.days.reduce((s: number, d: { count: number }) => s + d.count, 0),
    ).toBeGreaterThanOrEqual(1);
    const csv = (await (await fetch(`${url}/api/recognitions?format=csv&serial=${SERIAL_XP}`)).text()).split(
      '\r\n',
    );
    const header = csv[0]!.split(',');
    const first = csv[1]!.split(',');
    expect(first[header.indexOf('serial')]).toBe(SERIAL_XP);
    expect(first[header.indexOf('text_verdict')]).toBe('corrected');
  });

  it('GET /api/ocr and a new client’s snapshot carry the slot’s text', async () => {
    // a rescan after the second enrollment may have the slot re-read meanwhile: wait for it
    let live = await json(`${url}/api/ocr`);
    const deadline = Date.now() + 100_000;
    while (live.body.slots.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      live = await json(`${url}/api/ocr`);
    }
    expect(live.body.enabled).toBe(true);
    expect(live.body.slots.find((s: OcrPayload) => s.slot === 'bench')?.serial).toBe(SERIAL_XP);
    const other = io(url, { transports: ['websocket'], reconnection: false });
    try {
      const snap = await new Promise<SnapshotPayload>((resolve) => other.once('snapshot', resolve));
      expect(snap.ocr?.[0]?.board?.id).toBe(xp.id);
      // the slot's owner names the board the label named, and says so
      expect(snap.slots.find((s) => s.slot === 'bench')).toMatchObject({
        state: 'recognized',
        board: { id: xp.id },
        source: 'text',
      });
    } finally {
      other.close();
    }
  });

  it('POST /api/recognize returns the OCR lines of the uploaded image and the text’s verdict', async () => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(xpFrame)], { type: 'image/jpeg' }), 'phone.jpg');
    const { status, body } = await json(`${url}/api/recognize`, { method: 'POST', body: form });
    expect(status).toBe(200);
    expect(body.board.id).toBe(pro.id);
    expect(body.ocr.serial).toBe(SERIAL_XP);
    expect(body.ocr.lines.length).toBeGreaterThanOrEqual(2);
    expect(body.ocr).toMatchObject({ verdict: 'corrected', textOverride: true });
    expect(body.ocr.board.id).toBe(xp.id);
  });

  it('the dashboard shows the label text, the serial and the disagreement; History finds the board by serial', async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.open(`${url}/`);
      const warning = page.getByTestId('text-disagrees');
      await expect.poll(() => warning.textContent(), { timeout: 60_000 }).toContain('S19 XP hashboard');
      expect(await warning.textContent()).toContain('vision says Bitmain S19j Pro hashboard');
      expect(await page.getByTestId('serial').textContent()).toBe(SERIAL_XP);
      await screenshot(page, 'live-ocr-disagreement');
      await page.goto(`${url}/#/history`);
      await page.fill('#f-search', SERIAL_XP.slice(0, 8).toLowerCase());
      await page.press('#f-search', 'Enter');
      const serials = page.getByTestId('history-serial');
      await expect.poll(() => serials.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      for (const text of await serials.allTextContents()) expect(text).toContain(SERIAL_XP);
      expect((await page.getByTestId('history-row').first().textContent()) ?? '').toContain(
        'S19 XP hashboard',
      );
      await page.fill('#f-search', 'NO-SUCH-LABEL');
      await page.press('#f-search', 'Enter');
      await expect
        .poll(() => page.getByTestId('history-summary').textContent(), { timeout: 15_000 })
        .toBe('No recognitions');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});

describe('OCR switched off (ocr.enabled: false)', () => {
  it('recognizes without reading labels: no text in the snapshot, the API or history', async () => {
    const frames = tempDir('bs-ocr-off-');
    const picture = await pattern(4);
    writeFrames(frames, [picture], 4);
    const { daemon, url } = await startTestDaemon(frames, { ocr: { enabled: false } });
    const socket: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], reconnection: false });
    try {
      const gotRecognized = next<RecognizedPayload>(socket, 'recognized', () => true);
      const snap = await new Promise<SnapshotPayload>((resolve) => socket.once('snapshot', resolve));
      expect(snap.ocr).toBeUndefined();
      const { recognitionId } = await gotRecognized;
      const history = await json(`${url}/api/recognitions`);
      expect(history.body.items.find((r: { id: number }) => r.id === recognitionId).text).toBeNull();
      expect((await json(`${url}/api/ocr`)).body).toEqual({ enabled: false, slots: [] });
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'a.jpg');
      const { body } = await json(`${url}/api/recognize`, { method: 'POST', body: form });
      expect(body.ocr).toBeNull();
    } finally {
      socket.close();
      await daemon.stop();
    }
  });
});
