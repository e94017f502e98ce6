import { describe, expect, it } from 'vitest';
import { chipRegions, keepChipCount, readingOrder } from '../../src/inspect/regions.ts';
import {
  boardLevel,
  COMPONENT_SHAPE_MIN,
  CONNECTOR_SHAPE_MIN,
  chipCounts,
  defectList,
  HIDDEN_MIN,
  judgeRegions,
  LEVEL_MIN,
  LEVEL_MIN_CHIPS,
  presentByShape,
  verdictOf,
} from '../../src/inspect/verdict.ts';

const box = (x: number, y: number) => ({ x, y, width: 10, height: 10, score: 1 });

/** Three chips and a connector, r1..r4. */
const FOUR_REGIONS = [1, 2, 3, 4].map((id) => ({
  id,
  kind: id === 4 ? ('connector' as const) : ('chip' as const),
  label: `r${id}`,
  box: { x: 0, y: 0, width: 0.1, height: 0.1 },
}));

describe('chip numbering and verdicts', () => {
  it('numbers chips line by line along the long side: rows on a landscape board, columns on a portrait one', () => {
    // slightly uneven rows, as template matching finds them
    const found = [box(40, 21), box(20, 0), box(0, 2), box(0, 20), box(20, 19), box(40, 1)];
    expect(readingOrder(found, true).map((b) => [b.x, b.y])).toEqual([
      [0, 2],
      [20, 0],
      [40, 1],
      [0, 20],
      [20, 19],
      [40, 21],
    ]);
    expect(readingOrder(found, false).map((b) => [b.x, b.y])).toEqual([
      [0, 2],
      [0, 20],
      [20, 0],
      [20, 19],
      [40, 1],
      [40, 21],
    ]);
    const regions = chipRegions(found, 200, 100);
    expect(regions.map((r) => r.label)).toEqual(['chip 1', 'chip 2', 'chip 3', 'chip 4', 'chip 5', 'chip 6']);
    expect(regions[0]!.box).toEqual({ x: 0, y: 0.02, width: 0.05, height: 0.1 });
  });

  it("uses the board's chip count to leave out weaker look-alikes, only after a clear gap in score", () => {
    const scored = (scores: number[]) => scores.map((score, i) => ({ ...box(10 * i, 0), score }));
    // 4 chips (the marked one first, at 1), then two look-alikes well below them
    const found = scored([1, 0.95, 0.94, 0.93, 0.8, 0.78]);
    expect(keepChipCount(found, 4)).toEqual({ kept: found.slice(0, 4), leftOut: 2 });
    // no count, or no more boxes than the count: all kept
    expect(keepChipCount(found, null)).toEqual({ kept: found, leftOut: 0 });
    expect(keepChipCount(found, 6)).toEqual({ kept: found, leftOut: 0 });
    expect(keepChipCount(found, 8)).toEqual({ kept: found, leftOut: 0 });
    // a drop smaller than MIN_COUNT_GAP, or not larger than a drop between two chips: all kept
    expect(keepChipCount(scored([1, 0.95, 0.94, 0.93, 0.91, 0.9]), 4).leftOut).toBe(0);
    expect(keepChipCount(scored([1, 0.95, 0.8, 0.78, 0.7, 0.69]), 4).leftOut).toBe(0);
    // the marked chip's own perfect match is not a drop between chips
    expect(keepChipCount(scored([1, 0.8, 0.79, 0.78, 0.7]), 4)).toMatchObject({ leftOut: 1 });
  });

  it('judges a region by the smaller of its correlation and its photometric likeness, and counts chips', () => {
    expect([verdictOf(0.9), verdictOf(0.4), verdictOf(-0.5)]).toEqual(['present', 'differs', 'missing']);
    // a component standing off the board is present from a lower score than a flat chip, missing alike
    expect([verdictOf(0.4, 'component'), verdictOf(0.4, 'chip'), verdictOf(0.1, 'component')]).toEqual([
      'present',
      'differs',
      'missing',
    ]);
    const judged = judgeRegions(
      FOUR_REGIONS,
      new Map([
        [1, { ncc: 0.95, diff: 0.1 }],
        [2, { ncc: 0.95, diff: 1.6 }],
        [3, { ncc: 0.35, diff: 0.2 }],
        [4, { ncc: 0.1, diff: 0.1 }],
      ]),
    );
    expect(judged.map((r) => r.verdict)).toEqual(['present', 'missing', 'differs', 'missing']);
    expect(chipCounts(judged, 3)).toEqual({ expected: 3, found: 2, missing: 1, differs: 1, hidden: 0 });
    expect(defectList(judged).map((d) => `${d.label} ${d.verdict}`)).toEqual([
      'r2 missing',
      'r3 differs',
      'r4 missing',
    ]);
  });

  it('judges a region against its board: a picture that matches less well all over is not a board of defects', () => {
    const chips = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        kind: 'chip' as const,
        label: `chip ${i + 1}`,
        box: { x: 0, y: 0, width: 0.1, height: 0.1 },
      }));
    const judge = (n: number, level: number, odd: Map<number, number>) =>
      judgeRegions(
        chips(n),
        new Map(chips(n).map((c) => [c.id, { ncc: odd.get(c.id) ?? level, diff: 0 }])),
      ).map((r) => r.verdict);
    // a soft picture: every chip near 0.5, under the fixed present threshold; chip 3 is gone
    const soft = judge(12, 0.5, new Map([[3, 0.05]]));
    expect(soft.filter((v) => v === 'present')).toHaveLength(11);
    expect(soft[2]).toBe('missing');
    // a sharp picture of the same board: a chip at 0.5 differs
    expect(judge(12, 0.92, new Map([[5, 0.5]]))[4]).toBe('differs');
    // too few chips for a level: the fixed thresholds alone
    expect(judge(LEVEL_MIN_CHIPS - 1, 0.5, new Map())).toEqual(Array(LEVEL_MIN_CHIPS - 1).fill('differs'));
    // a blurred picture whose chips all score a little above LEVEL_MIN: still a softer picture
    expect(judge(12, LEVEL_MIN + 0.05, new Map())).toEqual(Array(12).fill('present'));
    // a board that differs as a whole (every heatsink off): each chip differs, none is passed as present
    expect(judge(12, LEVEL_MIN - 0.05, new Map())).toEqual(Array(12).fill('differs'));
    // the level is the upper quartile: a board with a third of its chips gone keeps it
    expect(boardLevel([...Array(8).fill(0.9), ...Array(4).fill(-0.5)])).toBe(0.9);
    expect([
      verdictOf(0.45, 'chip', 0.9),
      verdictOf(0.45, 'chip', 0.7),
      verdictOf(0.15, 'chip', 0.4),
    ]).toEqual(['differs', 'present', 'missing']);
  });

  it('calls a component or a connector present when its shape correlates, whatever its brightness did; never a chip', () => {
    const kinds = ['component', 'component', 'component', 'connector', 'connector', 'chip'] as const;
    const regions = kinds.map((kind, i) => ({
      id: i + 1,
      kind,
      label: `r${i + 1}`,
      box: { x: 0, y: 0, width: 0.1, height: 0.1 },
    }));
    const judged = judgeRegions(
      regions,
      new Map([
        // a can whose shiny top the light moved: its shape is there
        [1, { ncc: 0.99, diff: 1.4 }],
        [2, { ncc: COMPONENT_SHAPE_MIN, diff: 2.5 }],
        // a capacitor taken off: its footprint is another shape
        [3, { ncc: COMPONENT_SHAPE_MIN - 0.01, diff: 1.2 }],
        // a busbar lit otherwise; a screw terminal taken off, whose pads still correlate well
        [4, { ncc: CONNECTOR_SHAPE_MIN, diff: 1.9 }],
        [5, { ncc: CONNECTOR_SHAPE_MIN - 0.01, diff: 1.3 }],
        // a chip is judged by its whole score (a burn keeps the chip's shape)
        [6, { ncc: 0.99, diff: 1.4 }],
      ]),
    );
    expect(judged.map((r) => r.verdict)).toEqual([
      'present',
      'present',
      'missing',
      'present',
      'missing',
      'missing',
    ]);
    // the score stays what the comparison measured
    expect(judged[0]!.score).toBeCloseTo(-0.4, 3);
    expect(kinds.map((k) => presentByShape(k, 1))).toEqual([true, true, true, true, true, false]);
  });

  it('calls a region under something over the board hidden when it does not match, never a present one; hidden chips are neither found nor missing', () => {
    const judged = judgeRegions(
      FOUR_REGIONS,
      new Map([
        // matches although a finger's tip lies over it: present
        [1, { ncc: 0.95, diff: 0.1, covered: 0.5 }],
        // does not match and lies (even a little) under a hand: hidden
        [2, { ncc: 0.1, diff: 1.6, covered: HIDDEN_MIN }],
        // does not match, just beside the hand: judged
        [3, { ncc: 0.1, diff: 1.6, covered: HIDDEN_MIN / 2 }],
        [4, { ncc: 0.4, diff: 0.2, covered: 1 }],
      ]),
    );
    expect(judged.map((r) => r.verdict)).toEqual(['present', 'hidden', 'missing', 'hidden']);
    expect(chipCounts(judged, 3)).toEqual({ expected: 3, found: 1, missing: 1, differs: 0, hidden: 1 });
    // hidden is not a defect
    expect(defectList(judged).map((d) => `${d.label} ${d.verdict}`)).toEqual(['r3 missing']);
  });
});
