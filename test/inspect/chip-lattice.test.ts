import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepOnLattice } from '../../src/inspect/regions.ts';
import { inspectionType, markedChip } from '../../tools/eval/inspection-set.ts';
import { chipRects } from '../../tools/synth/render-chips.ts';
import { enrollGolden, type InspectionBench, openInspectionBench } from './setup.ts';

/** A rows x cols lattice of 30 px boxes at a 60 px pitch, scored 0.9, then `extras` at 0.9 too. */
function lattice(rows: number, cols: number, extras: [number, number][]) {
  const boxes = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      boxes.push({ x: 40 + c * 60, y: 40 + r * 60, width: 30, height: 30, score: 0.9 });
  for (const [x, y] of extras) boxes.push({ x, y, width: 30, height: 30, score: 0.9 });
  return boxes;
}

describe('keepOnLattice: the chips of a hashboard sit on rows and columns', () => {
  it('leaves out boxes between the rows and the columns when exactly the chip count remains', () => {
    // between two chips of a row, between two rows on a column, at the board's edge
    const found = lattice(4, 6, [
      [70, 40],
      [100, 70],
      [2, 130],
    ]);
    const r = keepOnLattice(found, 24);
    expect(r.leftOut).toBe(3);
    expect(r.kept).toEqual(found.slice(0, 24));
  });

  it('keeps every box when the lattice does not give the chip count, or without a count', () => {
    const found = lattice(4, 6, [[70, 40]]);
    expect(keepOnLattice(found, 23)).toEqual({ kept: found, leftOut: 0 });
    expect(keepOnLattice(found, null)).toEqual({ kept: found, leftOut: 0 });
    expect(keepOnLattice(found, 25)).toEqual({ kept: found, leftOut: 0 });
    // a turned board: its rows are not rows of the picture
    const turned = found.map((b, i) => ({ ...b, y: b.y + (i % 6) * 17 }));
    expect(keepOnLattice(turned, 24)).toEqual({ kept: turned, leftOut: 0 });
  });
});

// A held-out hashboard type of the eval's inspection rows (seed 1, test split, board 23): 160 chips,
// and 3 other places that match the marked chip about as well as its chips do, so the score gives no
// clear gap (board 35, used before the colour correlation of detectChips, now has a clear gap).
const TYPE = inspectionType(1, 'test', 23);
const CHIPS = TYPE.chips!.rows * TYPE.chips!.cols;

describe("chip detection with the board's lattice as a prior (real opencv.js, synthetic held-out hashboard)", () => {
  let bench: InspectionBench;
  let boardId: number;
  let referenceId: number;

  beforeAll(async () => {
    bench = await openInspectionBench('chip-lattice');
    ({ boardId, referenceId } = await enrollGolden(bench, TYPE, 'lattice'));
  }, 120_000);

  afterAll(() => bench?.close());

  it('proposes exactly the chips, each on a real chip, where the score alone kept the look-alikes', async () => {
    bench.catalog.updateBoard(boardId, { chipCount: null });
    const all = await bench.inspector.detect(boardId, referenceId, markedChip(TYPE, Math.floor(CHIPS / 2)));
    expect(all.found).toBeGreaterThan(CHIPS);
    bench.catalog.updateBoard(boardId, { chipCount: CHIPS });
    const p = await bench.inspector.detect(boardId, referenceId, markedChip(TYPE, Math.floor(CHIPS / 2)));
    expect(p).toMatchObject({
      found: CHIPS,
      expected: CHIPS,
      mismatch: false,
      leftOut: all.found - CHIPS,
      leftOutBy: 'lattice',
    });
    const truth = chipRects(TYPE.chips!).map((c) => ({
      cx: (c.x + c.w / 2) / TYPE.width,
      cy: (c.y + c.h / 2) / TYPE.height,
      w: c.w / TYPE.width,
    }));
    for (const r of p.regions) {
      const cx = r.box.x + r.box.width / 2;
      const cy = r.box.y + r.box.height / 2;
      const near = truth.some((t) => Math.abs(t.cx - cx) < t.w / 3 && Math.abs(t.cy - cy) < t.w / 3);
      expect(near, `${r.label} at ${cx.toFixed(3)}, ${cy.toFixed(3)} is not on a chip`).toBe(true);
    }
  }, 60_000);
});
