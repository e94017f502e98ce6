import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_FRAME } from '../../src/config/schema.ts';
import type { InspectionRegion } from '../../src/protocol.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { INSPECTION_NUISANCE, inspectionType } from '../../tools/eval/inspection-set.ts';
import { viewSeed } from '../../tools/eval/views.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import { type InspectionBench, inspectEvalView, openMappedBoard } from './setup.ts';

// Board 25 of the eval's inspection validation split (seed 1): a hashboard packed with 85 chips, its
// second good view with a hand over its lower right. The hand lies over chips almost only, so little
// of it is outside every region, and flattened grey pictures see only its edges: before the colour
// difference was used, 20 chips under it were called missing or differing on this good board.
describe('inspection hides what lies over a board packed with chips, found by its colour (real opencv.js, the eval synthetic view)', () => {
  let bench: InspectionBench;
  let boardId: number;
  let view: { jpeg: Buffer; hand: { x: number; y: number; width: number; height: number } };
  let regions: InspectionRegion[];

  beforeAll(async () => {
    const t = inspectionType(1, 'validation', 25);
    const { jpeg, meta } = await renderBenchView(t, viewSeed(t.seed, 'inspection-good', 1), {
      width: 1280,
      height: 720,
      nuisance: INSPECTION_NUISANCE,
    });
    expect(meta.occluders).toHaveLength(1);
    view = { jpeg, hand: meta.occluders[0]!.bbox };
    ({ bench, boardId, regions } = await openMappedBoard('colour-occluder', t));
  }, 180_000);

  afterAll(() => bench?.close());

  it('calls the chips under the hand hidden, and no chip of the good board missing or differing', async () => {
    const r = await bench.inspector.inspect(await decodeImage(view.jpeg), WHOLE_FRAME, boardId);
    expect(r.verified, r.reason ?? '').toBe(true);
    const judged = r.regions.filter((g) => g.verdict === 'missing' || g.verdict === 'differs');
    expect(judged.map((g) => `${g.label} ${g.verdict}`)).toEqual([]);
    expect(r.counts.chips.hidden).toBeGreaterThanOrEqual(10);
    expect(r.counts.chips.found + r.counts.chips.hidden).toBe(regions.length);
  }, 60_000);
});

// Board 15 of the eval's inspection test split with seed 4: a green hashboard with a row of grey
// heatsinks under the fingers of a black-gloved hand in its first good view. Black over grey has no
// colour to differ by, and between the dense heatsinks little of the glove lies outside every region:
// before a place far darker than the reference counted too (OCCLUDER_DARK in colour.ts), 5 chips
// under the fingers were called differing on this good board and none was hidden.
describe('inspection hides a black glove over grey heatsinks, found by how much darker it is (real opencv.js, the eval synthetic view)', () => {
  const t = inspectionType(4, 'test', 15);
  let bench: InspectionBench;
  let boardId: number;

  beforeAll(async () => {
    ({ bench, boardId } = await openMappedBoard('dark-occluder', t, true));
  }, 180_000);

  afterAll(() => bench?.close());

  it('calls the chips under the glove hidden, and none of the good board missing or differing', async () => {
    const { inspection: r, occluders } = await inspectEvalView(bench, boardId, t, 0);
    expect(occluders).toHaveLength(1);
    const judged = r.regions.filter((g) => g.verdict === 'missing' || g.verdict === 'differs');
    expect(judged.map((g) => `${g.label} ${g.verdict} ${g.score}`)).toEqual([]);
    expect(r.counts.chips.hidden).toBeGreaterThan(0);
  }, 60_000);
});
