import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionType } from '../../tools/eval/inspection-set.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

// Boards of the eval's inspection validation splits (the dev harness's boards). A cable of the board's
// grey differs only where it crosses the parts: short pieces, each within one part, that no closing
// joins into something over the board, so every chip it crossed was called differing on these good
// boards. The pieces lie on a line (lines.ts, a probabilistic Hough transform): drawn into what lies
// over the board, the chips under the cable are hidden.
describe('inspection hides a cable that differs only over the parts it crosses (real opencv.js, the eval synthetic views)', () => {
  for (const [seed, board, view, what, before] of [
    [22, 6, 0, 'a black cable over bright heatsinks on a dark blue board', 8],
    [27, 7, 0, 'a black cable over white chips on a blue board', 5],
    [19, 1, 1, 'a yellow cable over a green board, its shade over a column of grey chips', 6],
  ] as const) {
    describe(`seed ${seed}'s validation board ${board}, good view ${view}: ${what}`, () => {
      const t = inspectionType(seed, 'validation', board);
      let bench: InspectionBench;
      let boardId: number;

      beforeAll(async () => {
        ({ bench, boardId } = await openMappedBoard(`lines-${seed}-${board}`, t, true));
      }, 180_000);

      afterAll(() => bench?.close());

      it(`calls no chip of the good board missing or differing (${before} before)`, async () => {
        const { inspection: r, occluders } = await inspectEvalView(bench, boardId, t, view);
        expect(occluders.map((o) => o.kind)).toEqual(['cable']);
        const judged = r.regions.filter((g) => g.verdict === 'missing' || g.verdict === 'differs');
        expect(judged.map((g) => `${g.label} ${g.verdict}`)).toEqual([]);
        expect(r.counts.chips.hidden).toBeGreaterThan(0);
      }, 60_000);
    });
  }
});
