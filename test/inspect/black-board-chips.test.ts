import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PADS_AWAY,
  PADS_BRIGHTNESS_MAX,
  PADS_BRIGHTNESS_MIN,
  PADS_SPREAD_MIN,
  withCentreBrightness,
} from '../../src/inspect/verdict.ts';
import type { InspectedRegion, InspectionRegion } from '../../src/protocol.ts';
import { inspectionType, toBoardFractions } from '../../tools/eval/inspection-set.ts';
import { type DefectKind, withDefect } from '../../tools/synth/defects.ts';
import type { BoardType } from '../../tools/synth/types.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

describe('withCentreBrightness: on a board without colour, only a centre as bright as pads on the mask is a chip taken off', () => {
  const chip = (
    verdict: InspectedRegion['verdict'],
    kind: InspectedRegion['kind'] = 'chip',
  ): InspectedRegion => ({
    id: 1,
    kind,
    label: `${kind} 1`,
    box: { x: 0.1, y: 0.1, width: 0.05, height: 0.1 },
    verdict,
    score: -0.3,
  });

  it('keeps a missing chip whose centre lies in the pads band, calls the others differing', () => {
    const mid = (PADS_BRIGHTNESS_MIN + PADS_BRIGHTNESS_MAX) / 2;
    expect(withCentreBrightness(chip('missing'), mid).verdict).toBe('missing');
    expect(withCentreBrightness(chip('missing'), PADS_BRIGHTNESS_MIN - 0.2).verdict).toBe('differs');
    expect(withCentreBrightness(chip('missing'), PADS_BRIGHTNESS_MAX + 0.5).verdict).toBe('differs');
  });

  it('calls a differing chip missing only when its centre, in the pads band, moved far from its reference', () => {
    const mid = (PADS_BRIGHTNESS_MIN + PADS_BRIGHTNESS_MAX) / 2;
    // a bright lid gone (pads far darker than the chip was), a dark package gone (far brighter)
    expect(withCentreBrightness(chip('differs'), mid, mid / (PADS_AWAY.darker - 0.05)).verdict).toBe(
      'missing',
    );
    expect(withCentreBrightness(chip('differs'), mid, mid / (PADS_AWAY.brighter + 0.1)).verdict).toBe(
      'missing',
    );
    // about its own brightness (a shade, glare): still there
    expect(withCentreBrightness(chip('differs'), mid, mid * 1.1).verdict).toBe('differs');
    expect(withCentreBrightness(chip('differs'), mid, mid / 1.2).verdict).toBe('differs');
    // far from the reference but out of the pads band (a burn, a bare lid)
    expect(withCentreBrightness(chip('differs'), PADS_BRIGHTNESS_MIN - 0.3, 5).verdict).toBe('differs');
    expect(withCentreBrightness(chip('differs'), PADS_BRIGHTNESS_MAX + 1, 1).verdict).toBe('differs');
    // and a missing chip in the band stays missing whatever its reference read
    expect(withCentreBrightness(chip('missing'), mid, mid).verdict).toBe('missing');
  });

  it('keeps a missing chip darker than pads missing when its centre is patterned as pads are', () => {
    const dark = PADS_BRIGHTNESS_MIN - 0.2;
    expect(withCentreBrightness(chip('missing'), dark, 5, PADS_SPREAD_MIN + 0.2).verdict).toBe('missing');
    // even (a burn, a lifted package, a dark lid), or no reading of it: differs
    expect(withCentreBrightness(chip('missing'), dark, 5, PADS_SPREAD_MIN - 0.5).verdict).toBe('differs');
    expect(withCentreBrightness(chip('missing'), dark, 5).verdict).toBe('differs');
    // brighter than pads (a bare lid, its highlight a pattern too): differs
    expect(withCentreBrightness(chip('missing'), PADS_BRIGHTNESS_MAX + 1, 5, 6).verdict).toBe('differs');
  });

  it('leaves other kinds, and chips without a reading or without a reference reading, alone', () => {
    expect(withCentreBrightness(chip('differs'), 2).verdict).toBe('differs');
    expect(withCentreBrightness(chip('differs', 'connector'), 2, 6).verdict).toBe('differs');
    expect(withCentreBrightness(chip('present'), 2).verdict).toBe('present');
    expect(withCentreBrightness(chip('missing', 'connector'), 10).verdict).toBe('missing');
    expect(withCentreBrightness(chip('missing'), undefined).verdict).toBe('missing');
  });
});

/** The generator's index of the chip whose region this is (the generator numbers chips its own way). */
function chipIndex(t: BoardType, chip: InspectionRegion, chips: number): number {
  const centre = (b: { x: number; y: number; width: number; height: number }) => [
    b.x + b.width / 2,
    b.y + b.height / 2,
  ];
  const [rx, ry] = centre(chip.box);
  const index = Array.from({ length: chips }, (_, k) => k).find((k) => {
    const [cx, cy] = centre(toBoardFractions(t, withDefect(t, 'chip-missing', k).truth.box));
    return Math.abs(cx! - rx!) < 0.01 && Math.abs(cy! - ry!) < 0.02;
  });
  if (index === undefined) throw new Error(`no generator chip under ${chip.label}`);
  return index;
}

// Boards of the eval's inspection test split with seed 5, both black: the mask has no colour to tell
// the bare board by (bare.ts), so a chip that scored low was "missing" whatever it was. Board 7 has a
// bright lid under each heatsink: its chips whose heatsink was taken off counted as missing (npm run
// eval --seed 5, views 39); board 27 has bare chips, one burnt and one lifted counted as missing
// (views 138, 139). Each of those chips is there and differs; a chip taken off is still missing.
describe('chips of a black board whose heatsink is gone, burnt or lifted are there; one taken off is not (real opencv.js, the eval synthetic views)', () => {
  // two chips of each, clear of the hand that lies over the middle of view 0
  const cases: { board: number; kinds: DefectKind[]; labels: string[] }[] = [
    { board: 7, kinds: ['heatsink-missing'], labels: ['chip 3', 'chip 12'] },
    { board: 27, kinds: ['chip-burnt', 'chip-lifted'], labels: ['chip 3', 'chip 12'] },
  ];
  const benches: InspectionBench[] = [];
  afterAll(async () => {
    await Promise.all(benches.map((b) => b.close()));
  });

  for (const c of cases) {
    describe(`test board ${c.board}`, () => {
      const t = inspectionType(5, 'test', c.board);
      const chips = t.chips!.rows * t.chips!.cols;
      let bench: InspectionBench;
      let boardId: number;
      let regions: InspectionRegion[];

      beforeAll(async () => {
        ({ bench, boardId, regions } = await openMappedBoard(`black-${c.board}`, t));
        benches.push(bench);
      }, 180_000);

      it(`${c.kinds.join(', ')}: the chip differs and is counted; taken off, it is missing`, async () => {
        for (const label of c.labels) {
          const chip = regions.find((g) => g.label === label)!;
          const index = chipIndex(t, chip, chips);
          for (const kind of [...c.kinds, 'chip-missing' as const]) {
            const { inspection: r } = await inspectEvalView(bench, boardId, withDefect(t, kind, index).type);
            // the path under test: no colour evidence on this board
            expect(r.regionBare?.size ?? 0).toBe(0);
            const verdict = r.regions.find((g) => g.id === chip.id)!.verdict;
            if (kind === 'chip-missing') {
              expect(verdict, `${label} ${kind}`).toBe('missing');
              expect(r.counts.chips.found + r.counts.chips.hidden).toBe(chips - 1);
            } else {
              expect(verdict, `${label} ${kind}`).toBe('differs');
              expect(r.counts.chips.found + r.counts.chips.hidden).toBe(chips);
            }
          }
        }
      }, 180_000);
    });
  }
});
