import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catchError, fakeJpeg, newReference, useTempDir, vector } from './helpers.ts';

describe('Catalog references', () => {
  const tmp = useTempDir();

  it('stores a reference with its bytes, and lists, reads and deletes it', () => {
    const catalog = tmp.open('c.db', { now: () => 5_000 });
    const board = catalog.createBoard({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' });
    const input = newReference(board.id, 7, { source: 'import', sourceDetail: 's19/front.jpg' });
    const ref = catalog.addReference(input);
    expect(ref).toEqual({
      id: expect.any(Number),
      boardId: board.id,
      width: 640,
      height: 480,
      source: 'import',
      sourceDetail: 's19/front.jpg',
      sha256: createHash('sha256').update(input.image).digest('hex'),
      createdAt: 5_000,
    });
    const second = catalog.addReference(newReference(board.id, 8, { sourceDetail: null, source: 'live' }));
    expect(second.sourceDetail).toBeNull();
    expect(catalog.listReferences(board.id).map((r) => r.id)).toEqual([ref.id, second.id]);
    expect(catalog.getReferenceImage(ref.id)?.equals(input.image)).toBe(true);
    expect(catalog.getReferenceThumbnail(ref.id)?.equals(input.thumbnail)).toBe(true);
    expect(catalog.getReferenceImage(999)).toBeUndefined();
    expect(catalog.findReferencesBySha256(ref.sha256.toUpperCase()).map((r) => r.id)).toEqual([ref.id]);

    expect(catalog.deleteReference(ref.id)).toEqual(ref);
    expect(catalog.deleteReference(ref.id)).toBeUndefined();
    expect(catalog.listReferences(board.id).map((r) => r.id)).toEqual([second.id]);
  });

  it('refuses a missing board (E_NOT_FOUND), bytes that are not JPEG (E_IMAGE_INVALID) and bad sizes', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'A', model: 'B', kind: 'other' });
    expect(catchError(() => catalog.addReference(newReference(board.id + 1, 1)))).toMatchObject({
      code: 'E_NOT_FOUND',
      status: 404,
    });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(catchError(() => catalog.addReference(newReference(board.id, 1, { image: png })))).toMatchObject({
      code: 'E_IMAGE_INVALID',
      status: 400,
    });
    expect(catchError(() => catalog.addReference(newReference(board.id, 1, { width: 0 })))).toMatchObject({
      code: 'E_BAD_REQUEST',
    });
    expect(catalog.listReferences(board.id)).toEqual([]);
  });

  it('addReference with an embedding is atomic: a rejected embedding leaves no reference behind', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'A', model: 'B', kind: 'hashboard' });
    const ok = catalog.addReference(newReference(board.id, 1), { modelId: 'clip-b32', vector: vector(8, 1) });
    expect(catalog.countEmbeddings('clip-b32')).toBe(1);

    // same model, another dimension: the encoder changed without a new model id
    const wrongDim = catchError(() =>
      catalog.addReference(newReference(board.id, 2), { modelId: 'clip-b32', vector: vector(16, 2) }),
    );
    expect(wrongDim.code).toBe('E_CONFLICT');
    const nan = vector(8, 3);
    nan[5] = Number.NaN;
    expect(
      catchError(() => catalog.addReference(newReference(board.id, 3), { modelId: 'clip-b32', vector: nan }))
        .code,
    ).toBe('E_BAD_REQUEST');
    expect(
      catchError(() => catalog.addReference(newReference(board.id, 4), { modelId: '', vector: vector(8, 4) }))
        .code,
    ).toBe('E_BAD_REQUEST');

    expect(catalog.listReferences(board.id).map((r) => r.id)).toEqual([ok.id]);
    expect(catalog.countEmbeddings('clip-b32')).toBe(1);
    expect(catalog.referencesWithoutEmbedding('clip-b32')).toEqual([]);
  });

  it('an error later in an enclosing transaction rolls the reference and its embedding back', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'A', model: 'B', kind: 'hashboard' });
    expect(() =>
      catalog.transaction(() => {
        catalog.addReference(newReference(board.id, 1), { modelId: 'm', vector: vector(4, 1) });
        throw new Error('encoder crashed');
      }),
    ).toThrow('encoder crashed');
    expect(catalog.listReferences(board.id)).toEqual([]);
    expect(catalog.countEmbeddings('m')).toBe(0);
  });

  it('removing a board deletes its references and embeddings; its recognitions keep naming it', () => {
    const catalog = tmp.open();
    const gone = catalog.createBoard({ vendor: 'A', model: 'gone', kind: 'hashboard' });
    const kept = catalog.createBoard({ vendor: 'A', model: 'kept', kind: 'hashboard' });
    const r1 = catalog.addReference(newReference(gone.id, 1), { modelId: 'm', vector: vector(4, 1) });
    const r2 = catalog.addReference(newReference(kept.id, 2), { modelId: 'm', vector: vector(4, 2) });
    const rec = catalog.insertRecognition({
      at: 1,
      camera: 'bench',
      slot: 'left',
      boardId: gone.id,
      score: 0.9,
      margin: 0.2,
      topk: [{ boardId: gone.id, score: 0.9 }],
      modelId: 'm',
      thumbnail: fakeJpeg(3),
    });

    expect(catalog.deleteBoard(gone.id)).toBe(true);
    expect(catalog.listReferences(gone.id)).toEqual([]);
    expect(catalog.getReferenceImage(r1.id)).toBeUndefined();
    expect(catalog.getEmbedding(r1.id, 'm')).toBeUndefined();
    expect(Array.from(catalog.loadEmbeddings('m').referenceIds)).toEqual([r2.id]);
    const { rows } = catalog.queryRecognitions({ limit: 10, offset: 0 });
    // the board leaves the catalog, not the history: the row still names it (see board-ids.test.ts)
    expect(rows).toEqual([rec]);
    expect(rows[0]?.topk).toEqual([{ boardId: gone.id, score: 0.9 }]);
    expect(catalog.getRecognitionThumbnail(rec.id)?.equals(fakeJpeg(3))).toBe(true);

    expect(catalog.deleteReference(r2.id)?.id).toBe(r2.id);
    expect(catalog.countEmbeddings('m')).toBe(0);
    expect(catalog.integrityCheck()).toBe('ok');
  });
});
