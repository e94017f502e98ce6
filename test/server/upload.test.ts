import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { noise, pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

describe('a multi-file reference upload is stored all or nothing (real server, SQLite, index)', () => {
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  const good: Buffer[] = [];

  const upload = async (files: [string, Buffer][]) => {
    const form = new FormData();
    for (const [name, bytes] of files)
      form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
    const res = await fetch(`${url}/api/boards/${boardId}/references`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };
  /** What is stored and what the live index holds. */
  const stored = async () => {
    const board = (await (await fetch(`${url}/api/boards/${boardId}`)).json()) as { references: unknown[] };
    const status = (await (await fetch(`${url}/api/status`)).json()) as { model: { references: number } };
    return { references: board.references.length, indexed: status.model.references };
  };

  beforeAll(async () => {
    const frames = tempDir('bs-upload-');
    writeFrames(frames, [await pattern(51)], 2);
    ({ daemon, url } = await startTestDaemon(frames, { server: { port: 0, maxUploadBytes: 300_000 } }));
    for (let i = 0; i < 3; i++) good.push(await pattern(52 + i));
    const res = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 upload', kind: 'hashboard' }),
    });
    boardId = ((await res.json()) as { id: number }).id;
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('two good files and one bad: 400 naming the bad one, nothing stored', async () => {
    const res = await upload([
      ['a.jpg', good[0]!],
      ['b.jpg', good[1]!],
      ['broken.jpg', Buffer.from('not a picture at all')],
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^broken\.jpg: .*nothing was stored$/);
    expect(await stored()).toEqual({ references: 0, indexed: 0 });
  });

  it('1,000 files: 413 at the 21st, nothing stored', async () => {
    const res = await upload(Array.from({ length: 1000 }, (_, i) => [`f${i}.jpg`, good[i % 3]!]));
    expect(res.status).toBe(413);
    expect(res.body.error?.message).toContain('at most 20 images per upload; nothing was stored');
    expect(await stored()).toEqual({ references: 0, indexed: 0 });
  });

  it('a file over server.maxUploadBytes after good ones: 413, nothing stored', async () => {
    const res = await upload([
      ['a.jpg', good[0]!],
      ['huge.jpg', await noise(1, 800, 600)],
    ]);
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('E_IMAGE_TOO_LARGE');
    expect(await stored()).toEqual({ references: 0, indexed: 0 });
  });

  it('three good files: 201, all three stored and in the live index', async () => {
    const res = await upload(good.map((g, i) => [`ok${i}.jpg`, g]));
    expect(res.status).toBe(201);
    expect(await stored()).toEqual({ references: 3, indexed: 3 });
  });
});
