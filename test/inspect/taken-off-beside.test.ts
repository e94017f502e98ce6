import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BareEvidence } from '../../src/inspect/bare.ts';
import { BARE_MIN, MISSING_BELOW, takenOffBeside } from '../../src/inspect/verdict.ts';
import type { InspectedRegion } from '../../src/protocol.ts';
import { inspectionType } from '../../tools/eval/inspection-set.ts';
import { viewSeed } from '../../tools/eval/views.ts';
import { withDefect } from '../../tools/synth/defects.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

describe('takenOffBeside: one chip hidden only through its own difference, bare and scoring missing, is missing', () => {
  const chip = (
    id: number,
    verdict: InspectedRegion['verdict'],
    score = MISSING_BELOW - 0.3,
  ): InspectedRegion => ({
    id,
    kind: 'chip',
    label: `chip ${id}`,
    box: { x: 0.1 * id, y: 0.1, width: 0.05, height: 0.1 },
    verdict,
    score,
  });
  const bare: BareEvidence = { live: BARE_MIN + 0.2, ref: 0.05 };
  const covered: BareEvidence = { live: 0.05, ref: 0.05 };

  it('calls the one such chip missing', () => {
    const regions = [chip(1, 'present', 0.9), chip(2, 'hidden'), chip(3, 'hidden')];
    const out = takenOffBeside(
      regions,
      new Set([2]),
      new Map([
        [2, bare],
        [3, bare],
      ]),
    );
    expect(out.map((r) => r.verdict)).toEqual(['present', 'missing', 'hidden']);
  });

  it('leaves them hidden when the footprint is not bare, the score not missing, the chip not apart, or several read bare', () => {
    const regions = [chip(1, 'hidden'), chip(2, 'hidden', MISSING_BELOW + 0.1), chip(3, 'hidden')];
    const hidden = ['hidden', 'hidden', 'hidden'];
    expect(takenOffBeside(regions, new Set([1]), new Map([[1, covered]])).map((r) => r.verdict)).toEqual(
      hidden,
    );
    expect(takenOffBeside(regions, new Set([2]), new Map([[2, bare]])).map((r) => r.verdict)).toEqual(hidden);
    expect(takenOffBeside(regions, new Set([]), new Map([[1, bare]])).map((r) => r.verdict)).toEqual(hidden);
    // a thing of the mask's colour over several chips: each reads bare, none is called missing
    const all = new Map([
      [1, bare],
      [3, bare],
    ]);
    expect(takenOffBeside(regions, new Set([1, 3]), all).map((r) => r.verdict)).toEqual(hidden);
    // a handle of the board's colour over one chip: its footprint all of the mask's colour, no pads
    const handle: BareEvidence = { live: 1, ref: 0.05 };
    expect(takenOffBeside(regions, new Set([1]), new Map([[1, handle]])).map((r) => r.verdict)).toEqual(
      hidden,
    );
  });
});

// Board 8 of the eval's inspection test split with seed 4: a red board with 30 chips. In its first
// defective view a chip is taken off beside the blue handle of a screwdriver lying over the board; the
// pads it left differ over its whole footprint, and closing the difference into what lies over the
// board joined them with the handle's: the chip was called hidden (npm run eval --seed 4, view 42).
describe('a chip taken off beside a screwdriver is missing, not hidden (real opencv.js, the eval synthetic views)', () => {
  const t = inspectionType(4, 'test', 8);
  let bench: InspectionBench;
  let boardId: number;

  beforeAll(async () => {
    ({ bench, boardId } = await openMappedBoard('beside', t));
  }, 180_000);

  afterAll(() => bench?.close());

  it('finds the chip taken off, counts one chip fewer and shows it in the heatmap', async () => {
    const which = viewSeed(t.seed, 'inspection-defect-place', 0) % 1000;
    const { type } = withDefect(t, 'chip-missing', which);
    const { inspection: r, occluders } = await inspectEvalView(bench, boardId, type, 0, 'inspection-defect');
    expect(occluders.map((o) => o.kind)).toEqual(['screwdriver']);
    const chips = r.regions.filter((g) => g.kind === 'chip');
    expect(chips).toHaveLength(30);
    const missing = chips.filter((g) => g.verdict === 'missing');
    expect(missing.map((g) => g.label)).toEqual(['chip 10']);
    expect(r.counts.chips.found + r.counts.chips.hidden).toBe(29);
    // the chips under the handle itself stay hidden
    expect(r.counts.chips.hidden).toBeGreaterThanOrEqual(3);
    // and the heatmap shows the chip taken off: among its three hottest regions
    const heat = [...r.regionHeat!.entries()].sort((a, b) => b[1] - a[1]);
    expect(heat.slice(0, 3).map(([id]) => id)).toContain(missing[0]!.id);
  }, 60_000);
});
