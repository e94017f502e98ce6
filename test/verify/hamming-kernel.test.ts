import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_BYTES } from '../../src/verify/features.ts';
import { HammingKnn, type NearestTwo } from '../../src/verify/hamming-kernel.ts';

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function distance(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  let d = 0;
  for (let k = 0; k < DESCRIPTOR_BYTES; k++) {
    let x = a[i * DESCRIPTOR_BYTES + k]! ^ b[j * DESCRIPTOR_BYTES + k]!;
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

/** Reference rows that copy a query row with a few bits flipped, twins of one query row (a tie). */
function scene(refRows: number, queryRows: number, seed: number) {
  const refs = bytes(refRows * DESCRIPTOR_BYTES, seed);
  const query = bytes(queryRows * DESCRIPTOR_BYTES, seed + 1);
  for (let r = 0; r < refRows; r += 2) {
    const j = (r * 7) % queryRows;
    refs.set(query.subarray(j * DESCRIPTOR_BYTES, (j + 1) * DESCRIPTOR_BYTES), r * DESCRIPTOR_BYTES);
    refs[r * DESCRIPTOR_BYTES + (r % DESCRIPTOR_BYTES)]! ^= 1 << (r % 8);
  }
  if (queryRows > 2) query.copyWithin(2 * DESCRIPTOR_BYTES, 0, DESCRIPTOR_BYTES);
  return { refs, query };
}

function expectExact(found: NearestTwo, refs: Uint8Array, query: Uint8Array): void {
  const queryRows = query.byteLength / DESCRIPTOR_BYTES;
  for (let r = 0; r < refs.byteLength / DESCRIPTOR_BYTES; r++) {
    const all = Array.from({ length: queryRows }, (_, j) => distance(refs, r, query, j)).sort(
      (a, b) => a - b,
    );
    expect(found.distance[r], `row ${r} nearest`).toBe(all[0]);
    expect(found.second[r], `row ${r} second`).toBe(all[1]);
    expect(found.index[r]).toBeLessThan(queryRows);
    expect(distance(refs, r, query, found.index[r]!), `row ${r} index`).toBe(all[0]);
  }
}

describe('the nearest-two Hamming kernel (WebAssembly SIMD)', () => {
  it.each([
    [1, 2],
    [3, 3],
    [5, 4],
    [9, 5],
    [40, 7],
    [64, 33],
    [300, 130],
  ])(
    'finds the exact nearest and second nearest of %i reference rows among %i query rows',
    (refRows, queryRows) => {
      const { refs, query } = scene(refRows, queryRows, refRows * 31 + queryRows);
      expectExact(new HammingKnn().nearestTwo(refs, query), refs, query);
    },
  );

  it('gives the same answers when one instance is reused for larger and smaller searches', () => {
    const knn = new HammingKnn();
    for (const [refRows, queryRows] of [
      [2000, 500],
      [10, 6],
      [700, 1003],
    ] as const) {
      const { refs, query } = scene(refRows, queryRows, refRows + queryRows);
      const found = knn.nearestTwo(refs, query);
      const rows = [0, 1, 2, refRows - 1, Math.floor(refRows / 2)];
      const sub = (r: number) => refs.subarray(r * DESCRIPTOR_BYTES, (r + 1) * DESCRIPTOR_BYTES);
      for (const r of rows) {
        const one = new HammingKnn().nearestTwo(sub(r), query);
        expect([found.distance[r], found.second[r]]).toEqual([one.distance[0], one.second[0]]);
      }
    }
  });
});
