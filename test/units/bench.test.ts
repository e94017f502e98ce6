import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import type { Daemon } from '../../src/main.ts';
import type { ServerToClientEvents, UnitEventPayload, UnitRecord } from '../../src/protocol.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { type LabelOptions, renderLabel } from '../../tools/synth/label.ts';
import { launchBrowser, screenshot } from '../dashboard/browser.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const SERIAL = 'HKYTZ2BBCJDJ0A2C3';
/** A serial a technician types for the same board: one character off. */
const TYPED = 'HKYTZ2BBCJDJ0A2C8';
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
const NOTE = 'two dead chips reworked';

function next(
  socket: Socket,
  pred: (p: UnitEventPayload) => boolean,
  ms = 150_000,
): Promise<UnitEventPayload> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching unit event within ${ms} ms`)), ms);
    const handler = (p: UnitEventPayload) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      socket.off('unit', handler);
      resolve(p);
    };
    socket.on('unit', handler);
  });
}

async function call(url: string, method: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** The catalog the bench starts with: the hashboard with its serial sticker, and the empty bench. */
async function seedCatalog(dataDir: string, board: Buffer, empty: Buffer): Promise<number> {
  const catalog = Catalog.open(join(dataDir, DATABASE_FILE));
  try {
    const add = async (boardId: number, image: Buffer) =>
      catalog.addReference({
        boardId,
        image,
        thumbnail: await sharp(image).resize(160).jpeg().toBuffer(),
        width: 800,
        height: 600,
        source: 'upload',
      });
    const xp = catalog.createBoard({ vendor: 'Bitmain', model: 'S19 XP hashboard', kind: 'hashboard' }).id;
    await add(xp, board);
    await add(catalog.createBoard({ vendor: 'Bench', model: 'Empty bench', kind: 'empty-bench' }).id, empty);
    return xp;
  } finally {
    catalog.close();
  }
}

describe('a board with a serial sticker comes back to the bench (real daemon, folder camera, tiny ViT, PP-OCRv4, SQLite, socket.io, chromium)', () => {
  let daemon: Daemon;
  let url: string;
  let socket: Socket<ServerToClientEvents>;
  let xp: number;
  let created: UnitEventPayload;
  /** What a webhook subscribed to `unit` events received. */
  const hooked: { event: string; action: string; unit: { serial: string; visits: number } }[] = [];
  let hookServer: Server;

  beforeAll(async () => {
    const board = (await renderLabel({ model: 'S19-XP-HB 2024-05', serial: SERIAL }, SHOT)).jpeg;
    const empty = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6b6f73' } })
      .jpeg()
      .toBuffer();
    // At 2 frames a second: on the bench for 20 s (time for OCR on a busy machine), off it for 4 s,
    // over and over: each return is after more than the gap.
    const all = tempDir('bs-units-replay-');
    writeFrames(all, [...Array(40).fill(board), ...Array(8).fill(empty)], 1);
    const dataDir = tempDir('bs-units-data-');
    xp = await seedCatalog(dataDir, board, empty);
    hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooked.push(JSON.parse(Buffer.concat(chunks).toString()));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    const hookPort = (hookServer.address() as { port: number }).port;
    ({ daemon, url } = await startTestDaemon(all, {
      camera: { source: { kind: 'folder', path: all, fps: 2 } },
      ocr: { enabled: true },
      units: { visitGapMinutes: 0.02 },
      webhooks: [
        {
          url: `http://127.0.0.1:${hookPort}/units`,
          events: ['unit'],
          secret: 'units-hook-secret-0123456789',
        },
      ],
      data: { dir: dataDir },
    }));
    socket = io(url, { transports: ['websocket'], reconnection: false });
    created = await next(socket, (p) => p.action === 'created');
  }, 200_000);

  afterAll(async () => {
    socket?.close();
    await daemon?.stop();
    hookServer?.closeAllConnections();
    await new Promise((resolve) => hookServer?.close(resolve));
  });

  it('the serial read off the placed board creates its unit, linked to the recognition and its photo', async () => {
    expect(created.unit).toMatchObject({ serial: SERIAL, boardId: xp, visits: 1, status: 'received' });
    // (the slot's card names the unit when OCR finished while the board was still there)
    if (created.slot) expect(created.slot).toMatchObject({ visit: 1, previous: null });
    const record = (await call(`${url}/api/units/${SERIAL.toLowerCase()}`, 'GET')).body as UnitRecord;
    expect(record.recognitions.length).toBeGreaterThan(0);
    expect(record.recognitions[0]).toMatchObject({ source: 'ocr', boardId: xp, visit: 1 });
    expect(record.recognitions[0]!.thumbnailUrl).toMatch(/^\/api\/recognitions\/\d+\/thumbnail\.jpg$/);
    const edit = await call(`${url}/api/units/${SERIAL}`, 'PATCH', { status: 'done', note: NOTE });
    expect(edit.status).toBe(200);
    // the shop's systems hear of the unit too: a webhook gets its serial and visit count
    await expect
      .poll(() => hooked.find((e) => e.action === 'status'), { timeout: 60_000, interval: 100 })
      .toMatchObject({ event: 'unit', unit: { serial: SERIAL, visits: 1 } });
    expect(hooked.find((e) => e.action === 'created')).toMatchObject({
      event: 'unit',
      unit: { serial: SERIAL, visits: 1 },
    });
  });

  it('removed for longer than the gap and placed again: a second visit, "returning" on the live card', async () => {
    const visit = await next(socket, (p) => p.action === 'visit' && p.unit.serial === SERIAL);
    expect(visit.unit.visits).toBeGreaterThanOrEqual(2);
    const record = (await call(`${url}/api/units/${SERIAL}`, 'GET')).body as UnitRecord;
    expect(record.visitList.length).toBeGreaterThanOrEqual(2);
    expect(record.visitList[1]!.startedAt).toBeGreaterThan(record.visitList[0]!.lastSeenAt);

    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.open(`${url}/`);
      const line = page.getByTestId('returning');
      // a visit that began after the status change shows it (an earlier one may still say received)
      await expect
        .poll(() => line.textContent(), { timeout: 150_000, interval: 200 })
        .toContain(`(status done), last note: ${NOTE}`);
      expect(await line.textContent()).toMatch(
        /^Returning board: \d+(nd|rd|th) visit, last on \d{4}-\d{2}-\d{2} \(status done\)/,
      );
      await screenshot(page, 'live-returning-board');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 240_000);

  it('a typed serial that differs from the one read is kept and flagged; the technician settles it in the Units page', async () => {
    const seen = await next(socket, (p) => p.unit.serial === SERIAL && p.slot?.recognitionId != null);
    const recognitionId = seen.slot!.recognitionId!;
    const typed = await call(`${url}/api/units`, 'POST', { serial: TYPED, boardId: xp, recognitionId });
    expect(typed.status).toBe(201);
    expect(typed.body).toMatchObject({ serial: TYPED, flagged: true });
    expect(typed.body.conflicts[0]).toMatchObject({
      kind: 'serial',
      typedSerial: TYPED,
      ocrSerial: SERIAL,
      recognitionId,
    });
    const read = (await call(`${url}/api/units/${SERIAL}`, 'GET')).body as UnitRecord;
    expect(read.flagged).toBe(true);

    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.open(`${url}/#/units`);
      await expect.poll(() => page.getByTestId('unit-row').count(), { timeout: 15_000 }).toBe(2);
      expect(await page.locator(`[data-serial="${SERIAL}"]`).textContent()).toContain('conflict');
      await page.check('input[name="returning"]');
      await expect.poll(() => page.getByTestId('unit-row').count(), { timeout: 15_000 }).toBe(1);
      await page.click(`a[href="#/units?serial=${SERIAL}"]`);
      const conflict = page.getByTestId('unit-conflict').first();
      await expect.poll(() => conflict.textContent(), { timeout: 15_000 }).toContain('Which is right?');
      expect(await page.getByTestId('unit-note').first().textContent()).toContain(NOTE);
      await screenshot(page, 'unit-record-conflict');
      await page.getByRole('button', { name: `read ${SERIAL}` }).click();
      await expect
        .poll(() => conflict.textContent(), { timeout: 15_000 })
        .toContain(`Settled by local: read ${SERIAL}`);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    const after = (await call(`${url}/api/units/${SERIAL}`, 'GET')).body as UnitRecord;
    expect(after.flagged).toBe(false);
    expect(after.conflicts[0]).toMatchObject({ resolution: 'ocr', resolvedBy: 'local' });
  }, 240_000);
});
