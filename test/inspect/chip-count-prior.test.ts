import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionType, markedChip } from '../../tools/eval/inspection-set.ts';
import { chipRects } from '../../tools/synth/render-chips.ts';
import { enrollGolden, type InspectionBench, openInspectionBench } from './setup.ts';

// A held-out hashboard type of the eval's inspection rows (seed 1, test split, board 17): 32 chips, and
// two other places on it that match the marked chip above the 0.7 a chip needs, clearly below its
// chips (the colour correlation of detectChips; board 7, used before, has no look-alike with it).
const TYPE = inspectionType(1, 'test', 17);
const CHIPS = TYPE.chips!.rows * TYPE.chips!.cols;

describe("chip detection with the board's chip count as a prior (real opencv.js, synthetic held-out hashboard)", () => {
  let bench: InspectionBench;
  let boardId: number;
  let referenceId: number;

  beforeAll(async () => {
    bench = await openInspectionBench('chip-prior');
    ({ boardId, referenceId } = await enrollGolden(bench, TYPE, 'prior'));
  }, 120_000);

  afterAll(() => bench?.close());

  const marked = () => markedChip(TYPE, Math.floor(CHIPS / 2));

  it('without a chip count, proposes every place above the match threshold: the chips and two look-alikes', async () => {
    bench.catalog.updateBoard(boardId, { chipCount: null });
    const p = await bench.inspector.detect(boardId, referenceId, marked());
    expect(p).toMatchObject({
      found: CHIPS + 2,
      expected: null,
      mismatch: false,
      leftOut: 0,
      leftOutBy: null,
    });
    bench.catalog.updateBoard(boardId, { chipCount: CHIPS });
  }, 60_000);

  it('with the chip count, leaves out the two weaker look-alikes and keeps exactly the chips', async () => {
    const p = await bench.inspector.detect(boardId, referenceId, marked());
    expect(p).toMatchObject({
      found: CHIPS,
      expected: CHIPS,
      mismatch: false,
      leftOut: 2,
      leftOutBy: 'score',
    });
    // every proposed region lies on a real chip (its centre within a third of a chip of one)
    const truth = chipRects(TYPE.chips!).map((c) => {
      const o = TYPE.chips!.heatsink?.overhang ?? 0;
      return {
        cx: (c.x + c.w / 2) / TYPE.width,
        cy: (c.y + c.h / 2) / TYPE.height,
        w: (c.w + 2 * o) / TYPE.width,
      };
    });
    for (const r of p.regions) {
      const cx = r.box.x + r.box.width / 2;
      const cy = r.box.y + r.box.height / 2;
      const near = truth.some((t) => Math.abs(t.cx - cx) < t.w / 3 && Math.abs(t.cy - cy) < t.w / 3);
      expect(near, `${r.label} at ${cx.toFixed(3)}, ${cy.toFixed(3)} is not on a chip`).toBe(true);
    }
  }, 60_000);

  it('keeps every box, and says the count differs, when the count asks for more than the clear gap allows', async () => {
    bench.catalog.updateBoard(boardId, { chipCount: CHIPS + 1 });
    const p = await bench.inspector.detect(boardId, referenceId, marked());
    expect(p).toMatchObject({
      found: CHIPS + 2,
      expected: CHIPS + 1,
      mismatch: true,
      leftOut: 0,
      leftOutBy: null,
    });
    bench.catalog.updateBoard(boardId, { chipCount: CHIPS });
  }, 60_000);
});
