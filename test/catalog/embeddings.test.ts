import { describe, expect, it } from 'vitest';
import { copyVectorInto, decodeVector, encodeVector } from '../../src/catalog/vectors.ts';
import { catchError, newReference, useTempDir, vector } from './helpers.ts';

describe('Catalog embeddings', () => {
  const tmp = useTempDir();

  it('keeps each model’s vectors apart and loads exactly the right matrix rows', () => {
    const catalog = tmp.open();
    const a = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' });
    const b = catalog.createBoard({ vendor: 'V', model: 'b', kind: 'hashboard' });
    const refs = [a.id, b.id, a.id, b.id].map((boardId, i) => catalog.addReference(newReference(boardId, i)));
    const small = new Map<number, Float32Array>();
    const large = new Map<number, Float32Array>();
    for (const [i, ref] of refs.entries()) {
      if (i !== 2) small.set(ref.id, vector(3, i));
      large.set(ref.id, vector(5, 100 + i));
    }
    // inserted out of order: the set comes back by reference id
    for (const id of [...small.keys()].reverse()) catalog.putEmbedding(id, 'small-v1', small.get(id)!);
    for (const [id, v] of large) catalog.putEmbedding(id, 'large-v2', v);

    const set = catalog.loadEmbeddings('small-v1');
    expect(set.modelId).toBe('small-v1');
    expect(set.dim).toBe(3);
    const expectedIds = [refs[0]!.id, refs[1]!.id, refs[3]!.id];
    expect(Array.from(set.referenceIds)).toEqual(expectedIds);
    expect(Array.from(set.boardIds)).toEqual([a.id, b.id, b.id]);
    expect(set.matrix).toBeInstanceOf(Float32Array);
    expect(set.matrix.length).toBe(9);
    expectedIds.forEach((id, row) => {
      expect(Array.from(set.matrix.subarray(row * 3, row * 3 + 3))).toEqual(Array.from(small.get(id)!));
    });

    const big = catalog.loadEmbeddings('large-v2');
    expect(big.dim).toBe(5);
    expect(big.referenceIds.length).toBe(4);
    expect(Array.from(big.matrix.subarray(5 * 2, 5 * 3))).toEqual(Array.from(large.get(refs[2]!.id)!));

    expect(catalog.referencesWithoutEmbedding('small-v1')).toEqual([refs[2]!.id]);
    expect(catalog.referencesWithoutEmbedding('large-v2')).toEqual([]);
    expect(catalog.referencesWithoutEmbedding('never-used')).toEqual(refs.map((r) => r.id));
    expect(catalog.listEmbeddingModels()).toEqual([
      { modelId: 'large-v2', dim: 5, count: 4 },
      { modelId: 'small-v1', dim: 3, count: 3 },
    ]);

    expect(catalog.deleteEmbeddingsForModel('small-v1')).toBe(3);
    expect(catalog.countEmbeddings('small-v1')).toBe(0);
    expect(catalog.countEmbeddings('large-v2')).toBe(4);
    const empty = catalog.loadEmbeddings('small-v1');
    expect([empty.dim, empty.referenceIds.length, empty.matrix.length]).toEqual([0, 0, 0]);
  });

  it('putEmbedding replaces a vector, checks the reference and the model’s dimension', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' });
    const r1 = catalog.addReference(newReference(board.id, 1));
    const r2 = catalog.addReference(newReference(board.id, 2));
    catalog.putEmbedding(r1.id, 'm', vector(4, 1));
    catalog.putEmbedding(r1.id, 'm', vector(4, 9));
    expect(Array.from(catalog.getEmbedding(r1.id, 'm')!)).toEqual(Array.from(vector(4, 9)));
    expect(catalog.countEmbeddings('m')).toBe(1);
    expect(catchError(() => catalog.putEmbedding(r2.id, 'm', vector(6, 2)))).toMatchObject({
      code: 'E_CONFLICT',
      status: 409,
    });
    // the only vector of a model may change size (re-encoding the first reference)
    catalog.putEmbedding(r1.id, 'm', vector(6, 3));
    expect(catalog.loadEmbeddings('m').dim).toBe(6);
    expect(catchError(() => catalog.putEmbedding(999, 'm', vector(6, 2)))).toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect(catchError(() => catalog.putEmbedding(r2.id, 'm', new Float32Array(0)))).toMatchObject({
      code: 'E_BAD_REQUEST',
    });
  });

  it('stores vectors from views at any offset as float32 little-endian', () => {
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' });
    const ref = catalog.addReference(newReference(board.id, 1));
    const backing = new Float32Array([9, 9, 1.5, -2.25, 3e-8, 9]);
    catalog.putEmbedding(ref.id, 'm', backing.subarray(2, 5));
    const stored = catalog.getEmbedding(ref.id, 'm')!;
    expect(Array.from(stored)).toEqual([1.5, -2.25, Math.fround(3e-8)]);
    const bytes = encodeVector(new Float32Array([1.5]));
    expect(bytes.readFloatLE(0)).toBe(1.5);
  });

  it('copies vectors from Buffers whose byteOffset is not a multiple of 4', () => {
    const values = new Float32Array([0.1, -7, 42.5, 1e30]);
    const le = Buffer.alloc(16);
    values.forEach((v, i) => {
      le.writeFloatLE(v, i * 4);
    });
    for (const shift of [1, 2, 3, 5]) {
      const odd = Buffer.concat([Buffer.alloc(shift, 0xee), le, Buffer.alloc(3, 0xee)]).subarray(
        shift,
        shift + 16,
      );
      expect(odd.byteOffset % 4).not.toBe(0);
      const matrix = new Float32Array(12).fill(-1);
      copyVectorInto(odd, matrix, 4, 4);
      expect(Array.from(matrix)).toEqual([-1, -1, -1, -1, ...Array.from(values), -1, -1, -1, -1]);
      expect(Array.from(decodeVector(odd))).toEqual(Array.from(values));
    }
    expect(() => copyVectorInto(le.subarray(0, 12), new Float32Array(4), 0, 4)).toThrow(RangeError);
  });
});
