import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { ReferenceJson } from '../../src/protocol.ts';
import { boardPhoto } from '../helpers/board-photo.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const grey = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg()
    .toBuffer();

async function startWith(frame: Buffer, overrides: Record<string, unknown> = {}) {
  const frames = tempDir('bs-features-');
  writeFrames(frames, [frame], 2);
  const started = await startTestDaemon(frames, overrides);
  const res = await fetch(`${started.url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 features', kind: 'hashboard' }),
  });
  return { ...started, boardId: ((await res.json()) as { id: number }).id };
}

async function upload(url: string, boardId: number, files: [string, Buffer][]) {
  const form = new FormData();
  for (const [name, bytes] of files)
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
  const res = await fetch(`${url}/api/boards/${boardId}/references`, { method: 'POST', body: form });
  return {
    status: res.status,
    references: ((await res.json()) as { references: ReferenceJson[] }).references,
  };
}

describe('enrollment answers with the local features found on each reference (real server, SQLite, opencv.js)', () => {
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  let sharpPhoto: Buffer;

  beforeAll(async () => {
    sharpPhoto = await boardPhoto();
    ({ daemon, url, boardId } = await startWith(sharpPhoto));
  }, 120_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  it('a sharp board photo has many features; a uniform grey and a heavily blurred one are enrolled, marked few', async () => {
    const blurred = await sharp(sharpPhoto).blur(15).jpeg().toBuffer();
    const res = await upload(url, boardId, [
      ['sharp.jpg', sharpPhoto],
      ['grey.jpg', await grey()],
      ['blurred.jpg', blurred],
    ]);
    expect(res.status).toBe(201);
    const [good, flat, soft] = res.references;
    expect(good!.features!.keypoints).toBeGreaterThanOrEqual(60);
    expect(good!.features!.few).toBe(false);
    expect(flat!.features).toEqual({ keypoints: 0, few: true });
    expect(soft!.features!.keypoints).toBeLessThan(60);
    expect(soft!.features!.few).toBe(true);

    // the board's and the catalog's listings say the same of each reference
    const board = (await (await fetch(`${url}/api/boards/${boardId}`)).json()) as {
      references: ReferenceJson[];
    };
    expect(board.references.map((r) => r.features)).toEqual(res.references.map((r) => r.features));
    const list = (await (await fetch(`${url}/api/boards`)).json()) as {
      boards: { id: number; references: ReferenceJson[] }[];
    };
    const listed = list.boards.find((b) => b.id === boardId)!;
    expect(listed.references.map((r) => r.features)).toEqual(res.references.map((r) => r.features));
  });

  it('a reference taken from a slot ({"fromSlot"}) carries its features too', async () => {
    const status = (await (await fetch(`${url}/api/status`)).json()) as {
      cameras: { slots: { slot: string }[] }[];
    };
    const slot = status.cameras[0]!.slots[0]!.slot;
    // the slot's picture exists once the camera delivered a frame
    await expect
      .poll(async () => (await fetch(`${url}/api/frame.jpg`)).status, { timeout: 60_000 })
      .toBe(200);
    const res = await fetch(`${url}/api/boards/${boardId}/references`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fromSlot: slot }),
    });
    expect(res.status).toBe(201);
    const [ref] = ((await res.json()) as { references: ReferenceJson[] }).references;
    expect(ref!.features!.keypoints).toBeGreaterThanOrEqual(60);
    expect(ref!.features!.few).toBe(false);
  });
});

describe('with match.verify.enabled: false, references carry features: null', () => {
  let daemon: Daemon;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('enrolls and lists with features null', async () => {
    const started = await startWith(await grey(), {
      match: { threshold: 0.995, minMargin: 0, smoothing: 1, verify: { enabled: false } },
      inspect: { enabled: false },
    });
    daemon = started.daemon;
    const res = await upload(started.url, started.boardId, [['a.jpg', await boardPhoto()]]);
    expect(res.status).toBe(201);
    expect(res.references[0]!.features).toBeNull();
    const board = (await (await fetch(`${started.url}/api/boards/${started.boardId}`)).json()) as {
      references: ReferenceJson[];
    };
    expect(board.references[0]!.features).toBeNull();
  }, 120_000);
});
