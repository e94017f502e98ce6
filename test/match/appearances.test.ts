import { describe, expect, it } from 'vitest';
import { UnknownAppearances } from '../../src/match/appearances.ts';
import { SlotTracker } from '../../src/match/smoothing.ts';

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('UnknownAppearances: unknown boards told apart (issue 20, item 3)', () => {
  it('the same picture (or a close one) is one appearance; a different one is another, and comes back', () => {
    const a = new UnknownAppearances();
    const bench = unit([1, 0, 0, 0]);
    const board = unit([0, 1, 0, 0]);
    const first = a.identify(bench, 0.6);
    expect(a.identify(unit([1, 0.05, 0, 0]), 0.6)).toBe(first);
    const second = a.identify(board, 0.6);
    expect(second).not.toBe(first);
    expect(a.identify(bench, 0.6)).toBe(first);
    // closer than the match threshold but not halfway to identical: still another board
    expect(a.identify(unit([1, 0.9, 0, 0]), 0.6)).not.toBe(first);
  });

  it('with the smoothing: a board put down after another unknown board is a new recognition', () => {
    const t = new SlotTracker(2);
    const a = new UnknownAppearances();
    const see = (v: Float32Array) => t.push({ kind: 'unknown', appearance: a.identify(v, 0.9) });
    const bench = unit([1, 0, 0]);
    const board = unit([0, 0, 1]);
    expect(see(bench)).toEqual([]);
    expect(see(bench).map((e) => e.type)).toEqual(['recognized']);
    expect(see(bench)).toEqual([]);
    expect(see(board)).toEqual([]);
    expect(see(board)).toEqual([
      { type: 'cleared', previousBoardId: null, reason: 'changed' },
      { type: 'recognized', outcome: { kind: 'unknown', appearance: 2 } },
    ]);
  });
});
