import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/index.ts';
import type { NewRecognition } from '../../src/catalog/types.ts';
import { catchError, fakeJpeg, useTempDir } from './helpers.ts';

function recognition(at: number, extra: Partial<NewRecognition> = {}): NewRecognition {
  return {
    at,
    camera: 'bench-1',
    slot: 'left',
    boardId: null,
    score: 0.5,
    margin: 0.1,
    topk: [],
    modelId: 'm',
    ...extra,
  };
}

function seed(catalog: Catalog): { a: number; b: number; ids: number[] } {
  const a = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' }).id;
  const b = catalog.createBoard({ vendor: 'V', model: 'b', kind: 'hashboard' }).id;
  const rows: NewRecognition[] = [
    recognition(100, { boardId: a }),
    recognition(200, { boardId: b, slot: 'right' }),
    recognition(300, { boardId: null, camera: 'bench-2' }),
    recognition(400, { boardId: a, camera: 'bench-2', slot: 'right' }),
    recognition(500, { boardId: null }),
    recognition(500, { boardId: a }),
  ];
  return { a, b, ids: rows.map((r) => catalog.insertRecognition(r).id) };
}

describe('Catalog recognitions', () => {
  const tmp = useTempDir();

  it('round-trips a recognition, with its top-k and thumbnail', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' });
    const stored = catalog.insertRecognition(
      recognition(1_700_000_000_123, {
        boardId: board.id,
        score: 0.875,
        margin: 0.25,
        topk: [
          { boardId: board.id, score: 0.875 },
          { boardId: 77, score: 0.625 },
        ],
        thumbnail: fakeJpeg(5),
      }),
    );
    expect(stored).toEqual({
      id: expect.any(Number),
      at: 1_700_000_000_123,
      camera: 'bench-1',
      slot: 'left',
      boardId: board.id,
      score: 0.875,
      margin: 0.25,
      topk: [
        { boardId: board.id, score: 0.875 },
        { boardId: 77, score: 0.625 },
      ],
      modelId: 'm',
      hasThumbnail: true,
      verified: false,
      inliers: null,
      outline: null,
      // not inspected (yet)
      chipsExpected: null,
      chipsFound: null,
      chipsHidden: null,
      defects: null,
    });
    expect(catalog.getRecognitionThumbnail(stored.id)?.equals(fakeJpeg(5))).toBe(true);
    const bare = catalog.insertRecognition(recognition(2));
    expect(bare.hasThumbnail).toBe(false);
    // what geometric verification found travels with the row
    const outline: [number, number][] = [
      [0.1, 0.2],
      [0.8, 0.2],
      [0.8, 0.7],
      [0.1, 0.7],
    ];
    const verified = catalog.insertRecognition({
      ...recognition(4),
      verification: { verified: true, inliers: 57, outline: outline as never },
    });
    expect(catalog.getRecognition(verified.id)).toMatchObject({ verified: true, inliers: 57, outline });
    expect(
      catchError(() =>
        catalog.insertRecognition({
          ...recognition(5),
          verification: { verified: true, inliers: -1, outline: null },
        }),
      ),
    ).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect(catalog.getRecognitionThumbnail(bare.id)).toBeUndefined();
    expect(catchError(() => catalog.insertRecognition(recognition(3, { boardId: 999 })))).toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect(catchError(() => catalog.insertRecognition(recognition(3, { score: Number.NaN })))).toMatchObject({
      code: 'E_BAD_REQUEST',
    });
  });

  it('keeps what an inspection found, hidden chips apart from the found and the missing', () => {
    const catalog = tmp.open();
    const row = catalog.insertRecognition(recognition(10));
    const defects = [{ id: 3, label: 'chip 3', verdict: 'missing' as const }];
    expect(
      catalog.saveInspection(row.id, { chipsExpected: 126, chipsFound: 120, chipsHidden: 5, defects }),
    ).toBe(true);
    expect(catalog.getRecognition(row.id)).toMatchObject({
      chipsExpected: 126,
      chipsFound: 120,
      chipsHidden: 5,
      defects,
    });
    // a later look with the hand gone replaces every count
    catalog.saveInspection(row.id, { chipsExpected: 126, chipsFound: 125, chipsHidden: 0, defects });
    expect(catalog.getRecognition(row.id)).toMatchObject({ chipsFound: 125, chipsHidden: 0 });
    for (const chipsHidden of [-1, 1.5]) {
      expect(
        catchError(() =>
          catalog.saveInspection(row.id, { chipsExpected: 126, chipsFound: 125, chipsHidden, defects }),
        ),
      ).toMatchObject({ code: 'E_BAD_REQUEST', message: 'chipsHidden must be 0 or more' });
    }
    expect(catalog.getRecognition(row.id)).toMatchObject({ chipsHidden: 0 });
    expect(
      catalog.saveInspection(row.id + 1, { chipsExpected: 1, chipsFound: 1, chipsHidden: 0, defects: [] }),
    ).toBe(false);
  });
  it('filters by board, unknown only, camera, slot and time range; newest first, paged, with a total', () => {
    const catalog = tmp.open();
    const { a, b, ids } = seed(catalog);
    const q = (filter: object, limit = 100, offset = 0) => {
      const page = catalog.queryRecognitions({ ...filter, limit, offset });
      return { ids: page.rows.map((r) => ids.indexOf(r.id)), total: page.total };
    };
    expect(q({})).toEqual({ ids: [5, 4, 3, 2, 1, 0], total: 6 });
    expect(q({ boardId: a })).toEqual({ ids: [5, 3, 0], total: 3 });
    expect(q({ boardId: b })).toEqual({ ids: [1], total: 1 });
    expect(q({ boardId: null })).toEqual({ ids: [4, 2], total: 2 });
    expect(q({ camera: 'bench-2' })).toEqual({ ids: [3, 2], total: 2 });
    expect(q({ slot: 'right' })).toEqual({ ids: [3, 1], total: 2 });
    expect(q({ from: 200, to: 400 })).toEqual({ ids: [3, 2, 1], total: 3 });
    expect(q({ from: 500 })).toEqual({ ids: [5, 4], total: 2 });
    expect(q({ to: 100 })).toEqual({ ids: [0], total: 1 });
    expect(q({ boardId: a, camera: 'bench-1', slot: 'left', from: 50, to: 450 })).toEqual({
      ids: [0],
      total: 1,
    });
    expect(q({}, 2, 0)).toEqual({ ids: [5, 4], total: 6 });
    expect(q({}, 2, 2)).toEqual({ ids: [3, 2], total: 6 });
    expect(q({}, 2, 6)).toEqual({ ids: [], total: 6 });
    expect(q({ boardId: null }, 0, 0)).toEqual({ ids: [], total: 2 });
    expect(catchError(() => catalog.queryRecognitions({ limit: -1, offset: 0 })).code).toBe('E_BAD_REQUEST');
    expect(catchError(() => catalog.queryRecognitions({ limit: 10, offset: 0.5 })).code).toBe(
      'E_BAD_REQUEST',
    );
  });

  it('iterates a long history in batches, newest first, while new rows keep arriving', () => {
    const catalog = tmp.open();
    const { a } = seed(catalog);
    catalog.transaction(() => {
      for (let i = 0; i < 1234; i++)
        catalog.insertRecognition(recognition(1_000 + Math.floor(i / 3), { boardId: a }));
    });
    const seen: number[] = [];
    let previous = { at: Number.POSITIVE_INFINITY, id: Number.POSITIVE_INFINITY };
    for (const r of catalog.iterateRecognitions({ boardId: a, from: 1_000 })) {
      expect(r.at < previous.at || (r.at === previous.at && r.id < previous.id)).toBe(true);
      previous = r;
      seen.push(r.id);
      // the pipeline keeps writing during an export: must not fail with "connection is busy"
      if (seen.length % 400 === 0) catalog.insertRecognition(recognition(9_999, { boardId: a }));
    }
    expect(seen.length).toBe(1234);
    expect(new Set(seen).size).toBe(1234);
    expect([...catalog.iterateRecognitions({ boardId: null })].map((r) => r.at)).toEqual([500, 300]);
    expect([...catalog.iterateRecognitions({ camera: 'nowhere' })]).toEqual([]);
  });

  it('prunes thumbnails older than a time, keeping the rows', () => {
    const catalog = tmp.open();
    const ids = [100, 200, 300].map(
      (at) => catalog.insertRecognition(recognition(at, { thumbnail: fakeJpeg(at) })).id,
    );
    expect(catalog.pruneRecognitionThumbnails({ olderThan: 250 })).toBe(2);
    expect(catalog.pruneRecognitionThumbnails({ olderThan: 250 })).toBe(0);
    expect(ids.map((id) => catalog.getRecognitionThumbnail(id) !== undefined)).toEqual([false, false, true]);
    const { rows, total } = catalog.queryRecognitions({ limit: 10, offset: 0 });
    expect(total).toBe(3);
    expect(rows.map((r) => r.hasThumbnail)).toEqual([true, false, false]);
  });

  it('prunes the oldest thumbnails until the rest fit in maxTotalBytes', () => {
    const catalog = tmp.open();
    // 5 thumbnails of 1000 bytes; two share a time, so the tie is broken by id
    const ats = [10, 20, 20, 30, 40];
    const ids = ats.map(
      (at, i) => catalog.insertRecognition(recognition(at, { thumbnail: fakeJpeg(i, 1000) })).id,
    );
    catalog.insertRecognition(recognition(5)); // no thumbnail: costs nothing, never counted
    const kept = () => ids.map((id) => catalog.getRecognitionThumbnail(id) !== undefined);
    expect(catalog.pruneRecognitionThumbnails({ maxTotalBytes: 5000 })).toBe(0);
    expect(catalog.pruneRecognitionThumbnails({ maxTotalBytes: 3500 })).toBe(2);
    expect(kept()).toEqual([false, false, true, true, true]);
    expect(catalog.pruneRecognitionThumbnails({ maxTotalBytes: 3000 })).toBe(0);
    expect(catalog.pruneRecognitionThumbnails({ olderThan: 25, maxTotalBytes: 1000 })).toBe(2);
    expect(kept()).toEqual([false, false, false, false, true]);
    expect(catalog.pruneRecognitionThumbnails({ maxTotalBytes: 0 })).toBe(1);
    expect(kept()).toEqual([false, false, false, false, false]);
    expect(catalog.queryRecognitions({ limit: 0, offset: 0 }).total).toBe(6);
  });
});
