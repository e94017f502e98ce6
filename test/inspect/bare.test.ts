import { describe, expect, it } from 'vitest';
import { bareEvidence, centreSpread } from '../../src/inspect/bare.ts';
import {
  BARE_ABOVE_CHIPS,
  BARE_GAIN,
  BARE_MIN,
  BARE_NEAR_MIN,
  PADS_ON_MASK,
  PADS_SPREAD_MIN,
  withBareEvidence,
} from '../../src/inspect/verdict.ts';
import type { InspectedRegion, InspectionRegion } from '../../src/protocol.ts';
import type { Quad } from '../../src/verify/geometry.ts';
import type { RawImage } from '../../src/vision/image.ts';

type Rgb = [number, number, number];
const GREEN: Rgb = [32, 82, 46];
const PACKAGE: Rgb = [45, 46, 50];
const TIN: Rgb = [200, 198, 190];
const BURN: Rgb = [28, 18, 12];

/** A 600x300 board of `mask` colour, 5 x 3 chips (footprints as fractions), each drawn by `chip`. */
function board(
  mask: Rgb,
  chip: (i: number, x: number, y: number) => Rgb | null,
  cast: Rgb = [1, 1, 1],
): RawImage {
  const width = 600;
  const height = 300;
  const data = new Uint8Array(width * height * 3);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 9) - 4;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let c: Rgb = mask;
      for (const r of REGIONS) {
        const [px, py] = [x / width, y / height];
        const { box: b } = r;
        if (px >= b.x && px < b.x + b.width && py >= b.y && py < b.y + b.height) {
          c = chip(r.id, (px - b.x) / b.width, (py - b.y) / b.height) ?? mask;
        }
      }
      for (let k = 0; k < 3; k++) {
        data[(y * width + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! * cast[k]! + noise())));
      }
    }
  }
  return { data, width, height, channels: 3 };
}

const REGIONS: InspectionRegion[] = Array.from({ length: 15 }, (_, i) => ({
  id: i + 1,
  kind: 'chip',
  label: `chip ${i + 1}`,
  box: { x: 0.08 + (i % 5) * 0.18, y: 0.12 + Math.floor(i / 5) * 0.28, width: 0.1, height: 0.2 },
}));

/** Bare pads: a 5 x 5 grid of tinned lands on the mask, finer than a 3x3 sample blends them. */
const pads = (x: number, y: number): Rgb | null =>
  (x * 5) % 1 > 0.22 && (x * 5) % 1 < 0.77 && (y * 5) % 1 > 0.22 && (y * 5) % 1 < 0.77 ? TIN : null;
const golden = () => PACKAGE;
const corners = (img: RawImage): Quad => [
  [0, 0],
  [img.width, 0],
  [img.width, img.height],
  [0, img.height],
];

describe('bare footprints: a chip taken off shows the board, one still there does not (bareEvidence)', () => {
  const ref = board(GREEN, golden);
  // chip 2 taken off (pads), chip 3's package bare of its heatsink (the same package here), chip 4 burnt
  const drawLive = (i: number, x: number, y: number) =>
    i === 2 ? pads(x, y) : i === 4 && Math.abs(x - 0.5) < 0.35 ? BURN : PACKAGE;

  it('tells the bare pads from a package and a burn, against the golden board', () => {
    const live = board(GREEN, drawLive);
    const e = bareEvidence({ image: live, corners: corners(live) }, ref, REGIONS, new Set([2, 3, 4]))!;
    expect(e).not.toBeNull();
    const bare = (id: number) => e.get(id)!.live >= BARE_MIN && e.get(id)!.live - e.get(id)!.ref >= BARE_GAIN;
    expect(bare(2)).toBe(true);
    expect(bare(3)).toBe(false);
    expect(bare(4)).toBe(false);
    expect(e.get(2)!.ref).toBeLessThan(0.05);
    expect([...e.keys()].sort()).toEqual([2, 3, 4]);
  });

  it('reads the mask off the picture itself: a colour cast and dim light do not change the answer', () => {
    const live = board(GREEN, drawLive, [0.6, 0.55, 0.8]);
    const e = bareEvidence({ image: live, corners: corners(live) }, ref, REGIONS, new Set([2, 3]))!;
    expect(e.get(2)!.live).toBeGreaterThanOrEqual(BARE_MIN);
    expect(e.get(3)!.live).toBeLessThan(BARE_MIN);
  });

  it('follows the reference into a turned, shifted picture (the corners place it)', () => {
    const live = board(GREEN, drawLive);
    // the reference's corners on a picture twice its size: the board fills the top-left quarter
    const big = { width: 1200, height: 600, channels: 3 as const, data: new Uint8Array(1200 * 600 * 3) };
    for (let y = 0; y < 300; y++) big.data.set(live.data.subarray(y * 1800, (y + 1) * 1800), y * 3600);
    const placed: Quad = [
      [0, 0],
      [600, 0],
      [600, 300],
      [0, 300],
    ];
    const e = bareEvidence({ image: big, corners: placed }, ref, REGIONS, new Set([2, 3]))!;
    expect(e.get(2)!.live).toBeGreaterThanOrEqual(BARE_MIN);
    expect(e.get(3)!.live).toBeLessThan(BARE_MIN);
  });

  it('gives no evidence on a board whose mask has no colour of its own (black)', () => {
    const black: Rgb = [24, 24, 26];
    const live = board(black, (i, x, y) => (i === 2 ? pads(x, y) : PACKAGE));
    const e = bareEvidence(
      { image: live, corners: corners(live) },
      board(black, golden),
      REGIONS,
      new Set([2]),
    );
    expect(e).toBeNull();
  });
});

describe('centreSpread: tinned pads on a dark mask are a pattern, a package or a burn is even', () => {
  it('reads the pads far apart, the package and the burn close together', () => {
    const black: Rgb = [24, 24, 26];
    const live = board(black, (i, x, y) =>
      i === 2 ? pads(x, y) : i === 4 && Math.abs(x - 0.5) < 0.4 && Math.abs(y - 0.5) < 0.4 ? BURN : PACKAGE,
    );
    const s = centreSpread({ image: live, corners: corners(live) }, REGIONS, new Set([2, 3, 4]))!;
    expect([...s.keys()].sort()).toEqual([2, 3, 4]);
    // tin (about 196) beside the mask (about 25), over the board's 25: several times over
    expect(s.get(2)!).toBeGreaterThanOrEqual(PADS_SPREAD_MIN);
    expect(s.get(3)!).toBeLessThan(1);
    expect(s.get(4)!).toBeLessThan(1);
  });
});

describe('withBareEvidence', () => {
  const region = (verdict: InspectedRegion['verdict']): InspectedRegion => ({
    ...REGIONS[0]!,
    verdict,
    score: 0.1,
  });

  it('keeps a missing chip missing on bare board, and calls it differing where something is still there', () => {
    expect(withBareEvidence(region('missing'), { live: 0.45, ref: 0.02 }).verdict).toBe('missing');
    expect(withBareEvidence(region('missing'), { live: 0.05, ref: 0.02 }).verdict).toBe('differs');
    // as much mask as the golden board shows there is not a chip taken off
    expect(withBareEvidence(region('missing'), { live: 0.45, ref: 0.4 }).verdict).toBe('differs');
  });

  it('calls a differing chip on bare board missing; present, hidden and no evidence stay as they were', () => {
    expect(withBareEvidence(region('differs'), { live: 0.5, ref: 0 }).verdict).toBe('missing');
    expect(withBareEvidence(region('present'), { live: 0.5, ref: 0 }).verdict).toBe('present');
    expect(withBareEvidence(region('hidden'), { live: 0.5, ref: 0 }).verdict).toBe('hidden');
    expect(withBareEvidence(region('missing'), undefined).verdict).toBe('missing');
  });

  it('calls a footprint a little under BARE_MIN bare when it stands out from the chips and is as bright as pads', () => {
    const near = BARE_MIN - 0.01;
    expect(near).toBeGreaterThan(BARE_NEAR_MIN);
    const pads = (PADS_ON_MASK.min + PADS_ON_MASK.max) / 2;
    const board = { chipsMedian: near - BARE_ABOVE_CHIPS - 0.05, brightness: pads };
    expect(withBareEvidence(region('differs'), { live: near, ref: 0.05 }).verdict).toBe('differs');
    expect(withBareEvidence(region('differs'), { live: near, ref: 0.05 }, board).verdict).toBe('missing');
    expect(withBareEvidence(region('missing'), { live: near, ref: 0.05 }, board).verdict).toBe('missing');
    // every chip of the picture reads about as much (a cast, a blur): not standing out
    const tinted = { ...board, chipsMedian: near - BARE_ABOVE_CHIPS / 2 };
    expect(withBareEvidence(region('differs'), { live: near, ref: 0.05 }, tinted).verdict).toBe('differs');
    // darker than pads (a burn, a lifted package) or brighter (a bare lid), or no reading
    for (const brightness of [PADS_ON_MASK.min - 0.3, PADS_ON_MASK.max + 0.5, undefined]) {
      expect(
        withBareEvidence(region('differs'), { live: near, ref: 0.05 }, { ...board, brightness }).verdict,
      ).toBe('differs');
    }
    // under BARE_NEAR_MIN, or the golden board's share as high
    expect(withBareEvidence(region('differs'), { live: BARE_NEAR_MIN - 0.01, ref: 0 }, board).verdict).toBe(
      'differs',
    );
    expect(
      withBareEvidence(region('differs'), { live: near, ref: near - BARE_GAIN / 2 }, board).verdict,
    ).toBe('differs');
  });
});
