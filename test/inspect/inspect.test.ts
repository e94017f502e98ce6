import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_FRAME } from '../../src/config/schema.ts';
import { BARE_MIN, MISSING_BELOW } from '../../src/inspect/verdict.ts';
import type { ChipProposal } from '../../src/protocol.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { bareHashboard, chipBox, chipCount, shoot } from './boards.ts';
import { type InspectionBench, openInspectionBench } from './setup.ts';

const SEED = 303;
const LIVE = { width: 800, height: 400, pxPerMm: 2.1 };

describe('inspection: chips found from one marked chip, a verified board compared region by region (real opencv.js, tiny ViT, SQLite)', () => {
  const good = bareHashboard(SEED);
  const expected = chipCount(good);
  let bench: InspectionBench;
  let catalog: InspectionBench['catalog'];
  let inspector: InspectionBench['inspector'];
  let boardId: number;
  let referenceId: number;
  let proposal: ChipProposal;

  beforeAll(async () => {
    bench = await openInspectionBench('inspect');
    ({ catalog, inspector } = bench);
    // the golden board photographed straight, cropped to the board: the reference the map is drawn on
    const ref = await shoot(good, 1, { width: 1400, height: 560, pxPerMm: 3.8 });
    const b = ref.bbox;
    const region = {
      x: b.x / ref.width,
      y: b.y / ref.height,
      width: b.width / ref.width,
      height: b.height / ref.height,
    };
    boardId = catalog.createBoard({
      vendor: 'Test',
      model: 'S-303',
      kind: 'hashboard',
      chipCount: expected,
    }).id;
    referenceId = await bench.enroll(boardId, ref.jpeg, region);
  }, 120_000);

  afterAll(() => bench?.close());

  it('finds every chip like the marked one (template matching + NMS), numbered in reading order, and compares the count', async () => {
    proposal = await inspector.detect(boardId, referenceId, chipBox(good, 40));
    expect(proposal.found).toBe(expected);
    expect(proposal.expected).toBe(expected);
    expect(proposal.mismatch).toBe(false);
    // reading order along the long side: row by row, left to right, as the board's grid is laid out
    for (const i of [0, 1, good.chips!.cols, expected - 1]) {
      const truth = chipBox(good, i);
      const got = proposal.regions[i]!;
      expect(got.label).toBe(`chip ${i + 1}`);
      expect(Math.abs(got.box.x + got.box.width / 2 - (truth.x + truth.width / 2))).toBeLessThan(
        truth.width / 3,
      );
      expect(Math.abs(got.box.y + got.box.height / 2 - (truth.y + truth.height / 2))).toBeLessThan(
        truth.height / 3,
      );
    }
    catalog.putInspectionMap(boardId, { referenceId, regions: proposal.regions });
  }, 60_000);

  it('says when the count differs from the board chipCount', async () => {
    catalog.updateBoard(boardId, { chipCount: expected + 2 });
    const p = await inspector.detect(boardId, referenceId, chipBox(good, 40));
    expect(p).toMatchObject({ found: expected, expected: expected + 2, mismatch: true });
    catalog.updateBoard(boardId, { chipCount: expected });
  }, 60_000);

  it('counts every chip of a good board, turned and lit differently, all present', async () => {
    const shot = await shoot(good, 7, {
      ...LIVE,
      pose: { angleDeg: 9, cx: 410, cy: 205 },
      nuisance: { lighting: 0.6 },
    });
    const r = await inspector.inspect(await decodeImage(shot.jpeg), WHOLE_FRAME, boardId);
    expect(r.verified, r.reason ?? '').toBe(true);
    expect(r.counts.chips).toEqual({ expected, found: expected, missing: 0, differs: 0, hidden: 0 });
    expect(r.regions.every((g) => g.verdict === 'present')).toBe(true);
  }, 60_000);

  it('finds a chip removed to bare pads and a burnt chip, and nothing else; the heatmap is hot over them', async () => {
    const bad = bareHashboard(SEED, { missing: [36], burnt: [51] });
    const shot = await shoot(bad, 8, { ...LIVE, pose: { angleDeg: -6 } });
    const raw = await decodeImage(shot.jpeg);
    const r = await inspector.inspect(raw, WHOLE_FRAME, boardId);
    expect(r.verified, r.reason ?? '').toBe(true);
    const defects = r.regions.filter((g) => g.verdict !== 'present').map((g) => `${g.label} ${g.verdict}`);
    expect(defects).toEqual(['chip 37 missing', 'chip 52 differs']);
    expect(r.counts.chips).toEqual({ expected, found: expected - 1, missing: 1, differs: 1, hidden: 0 });
    // the heatmap: a PNG in the frame's aspect, hotter over the missing chip than over the board's average
    const png = inspector.heatmaps.get(r.heatmapId!)!;
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width / info.height).toBeCloseTo(shot.width / shot.height, 1);
    expect(heatNear(data, info, shot, bad, 36)).toBeGreaterThan(3 * heatNear(data, info, shot, bad, 5));
  }, 60_000);

  it('tells a chip taken off (bare pads: missing) from chips still there that differ (lifted, burnt), by what their footprints show', async () => {
    const bad = bareHashboard(SEED, { missing: [36], lifted: [51], burnt: [80] });
    const shot = await shoot(bad, 8, { ...LIVE, pose: { angleDeg: 4 } });
    const r = await inspector.inspect(await decodeImage(shot.jpeg), WHOLE_FRAME, boardId);
    expect(r.verified, r.reason ?? '').toBe(true);
    const defects = r.regions.filter((g) => g.verdict !== 'present').map((g) => `${g.label} ${g.verdict}`);
    expect(defects).toEqual(['chip 37 missing', 'chip 52 differs', 'chip 81 differs']);
    expect(r.counts.chips).toMatchObject({ expected, found: expected - 1, missing: 1, differs: 2 });
    // the footprints: the mask's colour where the chip was taken off, not where the chips still are
    const bare = r.regionBare!;
    expect(bare.get(37)!.live).toBeGreaterThanOrEqual(BARE_MIN);
    for (const id of [52, 81]) expect(bare.get(id)!.live).toBeLessThan(BARE_MIN);
    // (here both still score above the missing line; withBareEvidence's own tests, test/inspect/bare.test.ts,
    // cover a chip that scores below it and is still there)
    expect(r.regions.find((g) => g.id === 37)!.score).toBeLessThan(MISSING_BELOW);
  }, 60_000);

  it('hides the chips under hands lying over the board (neither found nor missing) and still finds a chip removed beside them', async () => {
    const bad = bareHashboard(SEED, { missing: [36] });
    // two hands over the board (the renderer's occlusion nuisance, seed 26), away from chip 37
    const shot = await shoot(bad, 26, { ...LIVE, pose: { angleDeg: 4 }, nuisance: { occlusion: 1 } });
    expect(shot.occluders.map((o) => o.kind)).toEqual(['hand', 'hand']);
    const r = await inspector.inspect(await decodeImage(shot.jpeg), WHOLE_FRAME, boardId);
    expect(r.verified, r.reason ?? '').toBe(true);
    const hidden = r.regions.filter((g) => g.verdict === 'hidden');
    expect(hidden.length).toBeGreaterThanOrEqual(20);
    // only what lies under a hand is hidden: each hidden chip's centre inside a hand's box (a chip's margin)
    const margin = 12;
    for (const g of hidden) {
      const [x, y] = onFrame(shot, g.box.x + g.box.width / 2, g.box.y + g.box.height / 2);
      const under = shot.occluders.some(
        (o) =>
          x >= o.x - margin &&
          x <= o.x + o.width + margin &&
          y >= o.y - margin &&
          y <= o.y + o.height + margin,
      );
      expect(under, `${g.label} hidden at ${x.toFixed(0)},${y.toFixed(0)}`).toBe(true);
    }
    // no false alarm under or beside the hands, the removed chip found and counted
    expect(
      r.regions
        .filter((g) => g.verdict === 'missing' || g.verdict === 'differs')
        .map((g) => `${g.label} ${g.verdict}`),
    ).toEqual(['chip 37 missing']);
    expect(r.counts.chips).toEqual({
      expected,
      found: expected - 1 - hidden.length,
      missing: 1,
      differs: 0,
      hidden: hidden.length,
    });
    // the hands are not where the board differs: the removed chip is the hottest region, and the
    // heatmap is cold over the chips the hands hid
    const hottest = [...r.regionHeat!.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(hottest).toBe(37);
    const png = inspector.heatmaps.get(r.heatmapId!)!;
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const missingHeat = heatNear(data, info, shot, bad, 36);
    const underHands = hidden.map((g) => heatNear(data, info, shot, bad, g.id - 1));
    expect(Math.max(...underHands)).toBeLessThan(missingHeat / 4);
  }, 60_000);

  it('does not inspect a board it cannot verify against the map: verified false, with the reason', async () => {
    const other = bareHashboard(404);
    const shot = await shoot(other, 9, LIVE);
    const r = await inspector.inspect(await decodeImage(shot.jpeg), WHOLE_FRAME, boardId);
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(
      /not verified: \d+ local features of reference \d+ match the picture, 12 needed/,
    );
    expect(r.regions).toEqual([]);
  }, 60_000);
});

/** A point of the board (fractions) in the frame, from the board's corners (the pose is affine). */
function onFrame(shot: { corners: Array<[number, number]> }, u: number, v: number): [number, number] {
  const [tl, tr, , bl] = shot.corners as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  return [
    tl[0] + u * (tr[0] - tl[0]) + v * (bl[0] - tl[0]),
    tl[1] + u * (tr[1] - tl[1]) + v * (bl[1] - tl[1]),
  ];
}

/** Mean alpha of the heatmap around chip `i` (its centre placed by the board's corners in the frame: the pose is affine). */
function heatNear(
  data: Buffer,
  info: { width: number; height: number },
  shot: { width: number; corners: Array<[number, number]> },
  t: Parameters<typeof chipBox>[0],
  i: number,
): number {
  const c = chipBox(t, i);
  const [tl, tr, , bl] = shot.corners as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const u = c.x + c.width / 2;
  const v = c.y + c.height / 2;
  const sx = info.width / shot.width;
  const cx = (tl[0] + u * (tr[0] - tl[0]) + v * (bl[0] - tl[0])) * sx;
  const cy = (tl[1] + u * (tr[1] - tl[1]) + v * (bl[1] - tl[1])) * sx;
  const r = Math.max(2, c.width * Math.hypot(tr[0] - tl[0], tr[1] - tl[1]) * sx * 0.4);
  let sum = 0;
  let n = 0;
  for (let y = Math.round(cy - r); y <= cy + r; y++) {
    for (let x = Math.round(cx - r); x <= cx + r; x++) {
      sum += data[(y * info.width + x) * 4 + 3] ?? 0;
      n++;
    }
  }
  return sum / n;
}
