import { describe, expect, it } from 'vitest';
import { type BoardScore, EmbeddingIndex } from '../../../src/match/embedding-index.ts';
import { randomUnitVectors, seededRandom } from '../../../tools/benchmarks/stats.ts';

interface Row {
  ref: number;
  board: number;
  v: Float32Array;
}

/** The definition: every board's best reference by a float64 dot product, best first. */
function bruteForce(rows: readonly Row[], q: Float32Array, k: number): BoardScore[] {
  const best = new Map<number, BoardScore>();
  for (const r of rows) {
    let s = 0;
    for (let j = 0; j < q.length; j++) s += r.v[j]! * q[j]!;
    const b = best.get(r.board);
    if (!b || s > b.score) best.set(r.board, { boardId: r.board, score: s, referenceId: r.ref });
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, k);
}

function expectSame(got: BoardScore[], want: BoardScore[]): void {
  expect(got.map((g) => [g.boardId, g.referenceId])).toEqual(want.map((w) => [w.boardId, w.referenceId]));
  got.forEach((g, i) => {
    expect(g.score).toBeCloseTo(want[i]!.score, 5);
  });
}

function rowsOf(n: number, dim: number, boards: number, seed: number): Row[] {
  const m = randomUnitVectors(n, dim, seed);
  const rnd = seededRandom(seed + 1);
  return Array.from({ length: n }, (_, i) => ({
    ref: 1000 + i,
    board: Math.floor(rnd() * boards),
    v: m.slice(i * dim, (i + 1) * dim),
  }));
}

describe('EmbeddingIndex against brute force (WebAssembly SIMD kernel)', () => {
  for (const dim of [384, 128, 100, 3]) {
    it(`gives the exact top-k boards at dim ${dim}, loaded in one go`, () => {
      const rows = rowsOf(3000, dim, 250, dim);
      const index = new EmbeddingIndex(dim);
      const matrix = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => {
        matrix.set(r.v, i * dim);
      });
      index.load(
        rows.map((r) => r.ref),
        rows.map((r) => r.board),
        matrix,
      );
      expect(index.size).toBe(3000);
      expect(index.boardCount).toBe(new Set(rows.map((r) => r.board)).size);
      const queries = randomUnitVectors(20, dim, 99);
      for (let i = 0; i < 20; i++) {
        const q = queries.subarray(i * dim, (i + 1) * dim);
        const want = bruteForce(rows, q, 17);
        for (const k of [1, 5, 17]) expectSame(index.searchBoards(q, k), want.slice(0, k));
      }
    });
  }

  it('stays exact through adds that grow it, replacements and removals', () => {
    const dim = 384;
    const rows = rowsOf(1200, dim, 90, 5);
    const index = new EmbeddingIndex(dim, 4);
    for (const r of rows) index.add(r.ref, r.board, r.v);
    let live = [...rows];
    // a reference enrolled again replaces its old vector
    const again = randomUnitVectors(1, dim, 1234);
    index.add(rows[10]!.ref, rows[10]!.board, again);
    live[10] = { ...rows[10]!, v: again };
    expect(index.removeBoard(rows[0]!.board)).toBe(live.filter((r) => r.board === rows[0]!.board).length);
    live = live.filter((r) => r.board !== rows[0]!.board);
    for (const r of live.slice(0, 300).filter((_, i) => i % 3 === 0))
      expect(index.removeReference(r.ref)).toBe(true);
    live = live.filter((_, i) => !(i < 300 && i % 3 === 0));
    expect(index.removeReference(-5)).toBe(false);
    // the last reference of a board gone: the board is gone too
    const lonely = { ref: 99_999, board: 7777, v: randomUnitVectors(1, dim, 4321) };
    index.add(lonely.ref, lonely.board, lonely.v);
    expect(index.searchBoards(lonely.v, 1)[0]).toMatchObject({ boardId: 7777, referenceId: 99_999 });
    expect(index.removeReference(lonely.ref)).toBe(true);
    expect(index.size).toBe(live.length);
    expect(index.boardCount).toBe(new Set(live.map((r) => r.board)).size);
    const queries = randomUnitVectors(10, dim, 77);
    for (let i = 0; i < 10; i++) {
      const q = queries.subarray(i * dim, (i + 1) * dim);
      expectSame(index.searchBoards(q, 5), bruteForce(live, q, 5));
    }
  });

  it('returns every board when k exceeds them, nothing for k = 0 or an empty index, and checks the query', () => {
    const index = new EmbeddingIndex(4);
    expect(index.searchBoards(Float32Array.of(1, 0, 0, 0), 3)).toEqual([]);
    index.add(1, 10, Float32Array.of(1, 0, 0, 0));
    index.add(2, 20, Float32Array.of(0, 1, 0, 0));
    expect(index.searchBoards(Float32Array.of(0.6, 0.8, 0, 0), 10).map((s) => s.boardId)).toEqual([20, 10]);
    expect(index.searchBoards(Float32Array.of(1, 0, 0, 0), 0)).toEqual([]);
    expect(() => index.searchBoards(Float32Array.of(1, 0, 0), 1)).toThrow(RangeError);
  });
});
