import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionType } from '../../tools/eval/inspection-set.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

// Boards of the eval's inspection test split with seed 19 (a seed first run blind), each with a
// screwdriver over it in a good view. The light taken out of the pictures (flattened, a blur wider than
// a chip's surroundings) took in the tool too: the chips beside a bright shaft or a yellow handle came
// out darker than their reference and were called differing while they correlate 0.98-1.00 with it
// (eval views 106 and 130). The light is now estimated on the board seen around what lies over it.
describe('inspection of good boards with a screwdriver beside their chips (real opencv.js, the eval synthetic views)', () => {
  for (const [board, view, name] of [
    [21, 1, 'a yellow handle over a green board with grey chips'],
    [26, 0, 'a bright shaft over a green board packed with grey chips'],
  ] as const) {
    describe(name, () => {
      const t = inspectionType(19, 'test', board);
      let bench: InspectionBench;
      let boardId: number;

      beforeAll(async () => {
        ({ bench, boardId } = await openMappedBoard(`tool-beside-${board}`, t, true));
      }, 180_000);

      afterAll(() => bench?.close());

      it('calls no chip missing or differing', async () => {
        const { inspection: r, occluders } = await inspectEvalView(bench, boardId, t, view);
        expect(occluders.map((o) => o.kind)).toEqual(['screwdriver']);
        const chips = r.regions.filter((g) => g.kind === 'chip');
        const flagged = chips.filter((g) => g.verdict === 'differs' || g.verdict === 'missing');
        expect(flagged.map((g) => `${g.label} ${g.verdict} ${g.score}`)).toEqual([]);
        expect(r.counts.chips.found + r.counts.chips.hidden).toBe(chips.length);
      }, 60_000);
    });
  }
});
