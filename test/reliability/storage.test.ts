import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema } from '../../src/config/schema.ts';
import type { Daemon } from '../../src/main.ts';
import { Housekeeping } from '../../src/pipeline/housekeeping.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, startTestDaemon, tempDir, writeAlternating } from '../helpers/daemon.ts';

describe('a full database is reported, not fatal', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('keeps recognizing and serving when history writes fail, and says why in the status', async () => {
    const frames = tempDir('bs-full-');
    // two different pictures alternating (each held 0.7 s first, to be verified): every frame is a
    // new recognition with a thumbnail
    writeAlternating(frames, [await pattern(41, 640, 480), await pattern(42, 640, 480)], 14, 100);
    const started = await startTestDaemon(frames, {
      camera: { source: { kind: 'folder', path: frames, fps: 20 } },
      gate: { enabled: false },
      match: { threshold: -1, minMargin: 0, smoothing: 1 },
      data: { dir: tempDir('bs-full-data-'), maxDatabaseMB: 0.35 },
    });
    daemon = started.daemon;
    const { url } = started;
    // two boards, one per picture: the slot changes board on every frame, each change a history row
    const boards: { id: number }[] = [];
    for (const [model, seed] of [
      ['S19 hashboard', 41],
      ['S19 control board', 42],
    ] as const) {
      const body = JSON.stringify({ vendor: 'Bitmain', model, kind: 'hashboard' });
      const board = await (
        await fetch(`${url}/api/boards`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
      ).json();
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(await pattern(seed, 640, 480))]), 'ref.jpg');
      expect(
        (await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form })).status,
      ).toBe(201);
      boards.push(board);
    }
    const board = boards[0]!;

    const deadline = Date.now() + 30_000;
    let status = await (await fetch(`${url}/api/status`)).json();
    while (status.storage.state !== 'error' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = await (await fetch(`${url}/api/status`)).json();
    }
    expect(status.storage.state).toBe('error');
    expect(status.storage.reason).toMatch(/full/i);
    // still capturing and encoding
    const encoded = status.frames.encoded;
    await new Promise((r) => setTimeout(r, 500));
    expect((await (await fetch(`${url}/api/status`)).json()).frames.encoded).toBeGreaterThan(encoded);
    // a catalog write now fails with a clear 5xx, and nothing half-written remains
    const more = new FormData();
    more.append('image', new Blob([new Uint8Array(await pattern(43, 1024, 768))]), 'big.jpg');
    const refused = await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: more });
    expect(refused.status).toBe(507);
    expect((await refused.json()).error.code).toBe('E_DB_WRITE');
    const history = await (await fetch(`${url}/api/recognitions?limit=1`)).json();
    expect(history.total).toBeGreaterThan(0);
    expect(daemon.catalog!.integrityCheck()).toBe('ok');
    expect(daemon.catalog!.listReferences(board.id)).toHaveLength(1);
  });
});

describe('thumbnail retention', () => {
  it('deletes thumbnails older than the limit and the oldest beyond the size cap; rows stay', async () => {
    const dir = tempDir('bs-retention-');
    const catalog = Catalog.open(join(dir, DATABASE_FILE));
    const thumb = await pattern(7, 160, 120);
    const day = 86_400_000;
    const now = Date.UTC(2026, 10, 27);
    for (let i = 0; i < 10; i++) {
      catalog.insertRecognition({
        at: now - (10 - i) * day,
        camera: 'bench-1',
        slot: 'bench',
        boardId: null,
        score: 0.5,
        margin: 0.1,
        topk: [],
        modelId: 'm@1',
        thumbnail: thumb,
      });
    }
    const config = configSchema.parse({
      data: {
        dir,
        retention: { thumbnailMaxAgeDays: 5.5, thumbnailMaxMB: (thumb.length * 3.5) / (1024 * 1024) },
      },
    });
    const hk = new Housekeeping(config, catalog, pino({ level: 'silent' }));
    expect(hk.runOnce(now)).toBe(7); // 5 older than 5.5 days, then 2 more to fit 3 under the cap
    const rows = catalog.queryRecognitions({ limit: 100, offset: 0 }).rows;
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.hasThumbnail)).toHaveLength(3);
    expect(rows.slice(0, 3).every((r) => r.hasThumbnail)).toBe(true);
    expect(hk.state().freeMB).toBeGreaterThan(0);
    catalog.close();
  });
});
