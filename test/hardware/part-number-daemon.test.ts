import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { OcrPayload, ServerToClientEvents } from '../../src/protocol.ts';
import { type LabelOptions, renderLabel } from '../../tools/synth/label.ts';
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
});
