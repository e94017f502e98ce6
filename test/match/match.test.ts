import { describe, expect, it } from 'vitest';
import { decide } from '../../src/match/decide.ts';
import { EmbeddingIndex } from '../../src/match/embedding-index.ts';
import { SlotTracker } from '../../src/match/smoothing.ts';

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('EmbeddingIndex', () => {
  it('aggregates per board with the best reference and sorts best first', () => {
    const index = new EmbeddingIndex(3, 1);
    index.add(10, 1, unit([1, 0, 0]));
    index.add(11, 1, unit([0, 1, 0]));
    index.add(20, 2, unit([1, 1, 0]));
    index.add(30, 3, unit([0, 0, 1]));
    const hits = index.searchBoards(unit([0.1, 1, 0]), 5);
    expect(hits.map((h) => h.boardId)).toEqual([1, 2, 3]);
    expect(hits[0]!.referenceId).toBe(11);
    expect(hits[0]!.score).toBeCloseTo(unit([0.1, 1, 0])[1]!, 5);
    expect(index.searchBoards(unit([0, 0, 1]), 1)).toEqual([{ boardId: 3, referenceId: 30, score: 1 }]);
  });

  it('matches a brute-force reference on random data, including after removals', () => {
    const dim = 16;
    const index = new EmbeddingIndex(dim);
    const rows: { ref: number; board: number; v: Float32Array }[] = [];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    for (let i = 0; i < 300; i++) {
      const v = unit(Array.from({ length: dim }, rnd));
      rows.push({ ref: i, board: i % 37, v });
      index.add(i, i % 37, v);
    }
    index.removeBoard(5);
    index.removeReference(40);
    const live = rows.filter((r) => r.board !== 5 && r.ref !== 40);
    expect(index.size).toBe(live.length);
    const q = unit(Array.from({ length: dim }, rnd));
    const best = new Map<number, number>();
    for (const r of live) {
      const s = r.v.reduce((acc, x, j) => acc + x * q[j]!, 0);
      best.set(r.board, Math.max(best.get(r.board) ?? -2, s));
    }
    const expected = [...best.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
    const got = index.searchBoards(q, 4);
    expect(got.map((g) => g.boardId)).toEqual(expected.map((e) => e[0]));
    got.forEach((g, i) => {
      expect(g.score).toBeCloseTo(expected[i]![1], 4);
    });
  });

  it('load() replaces content and validates shapes', () => {
    const index = new EmbeddingIndex(2);
    index.add(1, 1, unit([1, 0]));
    index.load([5, 6], [50, 60], Float32Array.from([0, 1, 1, 0]));
    expect(index.size).toBe(2);
    expect(index.searchBoards(Float32Array.from([1, 0]), 1)[0]!.boardId).toBe(60);
    expect(() => index.load([1], [1, 2], new Float32Array(2))).toThrow();
  });
});

describe('decide', () => {
  const policy = { threshold: 0.6, minMargin: 0.05 };
  it('recognizes a clear winner', () => {
    const d = decide(
      [
        { boardId: 1, score: 0.9, referenceId: 1 },
        { boardId: 2, score: 0.7, referenceId: 2 },
      ],
      policy,
    );
    expect(d).toMatchObject({ boardId: 1, reason: 'match' });
    expect(d.margin).toBeCloseTo(0.2);
  });
  it('says unknown below the threshold, when ambiguous, and with an empty catalog', () => {
    expect(decide([{ boardId: 1, score: 0.5, referenceId: 1 }], policy)).toMatchObject({
      boardId: null,
      reason: 'below-threshold',
    });
    const close = decide(
      [
        { boardId: 1, score: 0.8, referenceId: 1 },
        { boardId: 2, score: 0.78, referenceId: 2 },
      ],
      policy,
    );
    expect(close).toMatchObject({ boardId: null, reason: 'ambiguous' });
    expect(decide([], policy)).toMatchObject({ boardId: null, reason: 'empty-catalog' });
  });
});

describe('SlotTracker', () => {
  it('announces a board once after N agreeing decisions, then clears on change and on empty', () => {
    const t = new SlotTracker(2);
    expect(t.push({ kind: 'board', boardId: 1 })).toEqual([]);
    expect(t.push({ kind: 'board', boardId: 1 })).toEqual([
      { type: 'recognized', outcome: { kind: 'board', boardId: 1 } },
    ]);
    expect(t.push({ kind: 'board', boardId: 1 })).toEqual([]);
    expect(t.push({ kind: 'board', boardId: 2 })).toEqual([]);
    expect(t.push({ kind: 'board', boardId: 2 })).toEqual([
      { type: 'cleared', previousBoardId: 1, reason: 'changed' },
      { type: 'recognized', outcome: { kind: 'board', boardId: 2 } },
    ]);
    t.push({ kind: 'empty' });
    expect(t.push({ kind: 'empty' })).toEqual([{ type: 'cleared', previousBoardId: 2, reason: 'empty' }]);
  });

  it('ignores a flicker shorter than the smoothing window', () => {
    const t = new SlotTracker(3);
    for (let i = 0; i < 3; i++) t.push({ kind: 'board', boardId: 7 });
    expect(t.push({ kind: 'unknown' })).toEqual([]);
    expect(t.push({ kind: 'board', boardId: 7 })).toEqual([]);
    expect(t.current).toEqual({ kind: 'board', boardId: 7 });
    t.push({ kind: 'unknown' });
    t.push({ kind: 'unknown' });
    expect(t.push({ kind: 'unknown' })).toEqual([
      { type: 'cleared', previousBoardId: 7, reason: 'changed' },
      { type: 'recognized', outcome: { kind: 'unknown' } },
    ]);
  });
});
