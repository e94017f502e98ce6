import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionType } from '../../tools/eval/inspection-set.ts';
import { viewSeed } from '../../tools/eval/views.ts';
import { withDefect } from '../../tools/synth/defects.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

// Boards of the eval's inspection validation splits (the dev harness's boards). A chip taken off beside
// a tool differs over its own footprint, and when that difference touches the tool's they are one blob:
// leaving out the blobs lying within one region kept it, the chip was under what lies over the board
// and was called hidden. Every region's difference is now left out before it is closed, and a chip is
// under a tool only where the tool's difference between the regions reaches over it, or where its
// surroundings differ too (a handle over a board of its colour).
describe('a chip taken off beside a tool is missing, not hidden (real opencv.js, the eval synthetic views)', () => {
  for (const [seed, board, label] of [
    [5, 2, 'chip 50'],
    [7, 13, 'chip 35'],
  ] as const) {
    describe(`seed ${seed}'s validation board ${board}`, () => {
      const t = inspectionType(seed, 'validation', board);
      let bench: InspectionBench;
      let boardId: number;

      beforeAll(async () => {
        ({ bench, boardId } = await openMappedBoard(`amid-${seed}-${board}`, t, true));
      }, 180_000);

      afterAll(() => bench?.close());

      it(`finds ${label} taken off and counts one chip fewer`, async () => {
        const which = viewSeed(t.seed, 'inspection-defect-place', 0) % 1000;
        const { type } = withDefect(t, 'chip-missing', which);
        const { inspection: r, occluders } = await inspectEvalView(
          bench,
          boardId,
          type,
          0,
          'inspection-defect',
        );
        expect(occluders.length).toBeGreaterThan(0);
        const chips = r.regions.filter((g) => g.kind === 'chip');
        expect(chips.filter((g) => g.verdict === 'missing').map((g) => g.label)).toEqual([label]);
        expect(r.counts.chips.missing).toBe(1);
        // the chips under the tool itself stay hidden
        expect(r.counts.chips.hidden).toBeGreaterThan(0);
      }, 60_000);
    });
  }

  for (const [seed, split, board, name, why] of [
    [13, 'test', 28, 'a green handle over a green board', 'its footprint reads all green, no pads'],
    [
      2,
      'validation',
      0,
      'an orange handle over a red board packed with chips',
      'the chips around it are under it too',
    ],
  ] as const) {
    describe(`seed ${seed}'s ${split} board ${board}: ${name}`, () => {
      const t = inspectionType(seed, split, board);
      let bench: InspectionBench;
      let boardId: number;

      beforeAll(async () => {
        ({ bench, boardId } = await openMappedBoard(`amid-${seed}-${board}`, t, true));
      }, 180_000);

      afterAll(() => bench?.close());

      it(`calls no chip under the handle missing: ${why}`, async () => {
        const { inspection: r, occluders } = await inspectEvalView(bench, boardId, t, 0);
        expect(occluders.map((o) => o.kind)).toEqual(['screwdriver']);
        const chips = r.regions.filter((g) => g.kind === 'chip');
        expect(chips.filter((g) => g.verdict === 'missing').map((g) => g.label)).toEqual([]);
        expect(r.counts.chips.hidden).toBeGreaterThan(0);
      }, 60_000);
    });
  }
});
