import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionBox } from '../../src/protocol.ts';
import { HOW_TO_GET, isCached, readCached } from '../../tools/eval/photos/fetch.ts';
import { loadPhotoManifest } from '../../tools/eval/photos/manifest.ts';
import { type InspectionBench, openInspectionBench } from './setup.ts';

/**
 * Real pictures of boards with several identical ASIC chips from the development photo set
 * (tools/eval/photos/manifest.json), their chips counted by hand: the map built from one marked chip
 * (Inspector.detect, what POST /api/boards/:id/inspection-map/detect runs) must find that many.
 * The box is the chip marked, in fractions of the picture.
 */
interface Counted {
  board: string;
  chips: number;
  marked: RegionBox;
}

/** phil31/EKO-Miner states no licence: read from the eval's photo cache, never committed. */
const CACHED: Counted[] = [
  // KiCad render of the 10 x BM1370 ASIC board, turned ~15 degrees: two rows of 5 chips
  { board: 'eko-asic-10xbm1370-top', chips: 10, marked: { x: 0.204, y: 0.422, width: 0.046, height: 0.078 } },
  // the same board assembled, seen in perspective, without its heatsink: two rows of 5 chips
  {
    board: 'eko-assembled-no-heatsink',
    chips: 10,
    marked: { x: 0.329, y: 0.397, width: 0.05, height: 0.072 },
  },
];

/**
 * Every proposed region sits on a chip whose centre was counted by hand (within `tolerance`, fractions
 * of the picture), and no two on the same chip.
 */
function expectEachOnItsOwnChip(
  regions: readonly { label: string; box: RegionBox }[],
  chips: readonly { x: number; y: number }[],
  tolerance: { x: number; y: number },
): void {
  const claimed = new Set<number>();
  for (const region of regions) {
    const cx = region.box.x + region.box.width / 2;
    const cy = region.box.y + region.box.height / 2;
    const on = chips.findIndex((c) => Math.abs(c.x - cx) < tolerance.x && Math.abs(c.y - cy) < tolerance.y);
    expect(
      on,
      `${region.label} at (${cx.toFixed(3)}, ${cy.toFixed(3)}) is on no chip`,
    ).toBeGreaterThanOrEqual(0);
    expect(claimed.has(on), `${region.label} is on a chip already found`).toBe(false);
    claimed.add(on);
  }
}

const PHOTOS_DIR = join(process.cwd(), '.cache', 'eval-photos');
const manifest = loadPhotoManifest();

describe('inspection on real pictures: chips counted by hand found from one marked chip (real opencv.js, SQLite)', () => {
  let bench: InspectionBench;

  beforeAll(async () => {
    bench = await openInspectionBench('real-inspect');
  }, 120_000);

  afterAll(() => bench?.close());

  /** Enrolls the picture as the board's reference and proposes its chips from the marked one. */
  async function detect(name: string, picture: Buffer, c: Pick<Counted, 'chips' | 'marked'>) {
    const boardId = bench.catalog.createBoard({
      vendor: 'Real',
      model: name,
      kind: 'hashboard',
      chipCount: c.chips,
    }).id;
    const referenceId = await bench.enroll(boardId, picture);
    return bench.inspector.detect(boardId, referenceId, c.marked);
  }

  /** A committed picture of test/fixtures/inspect: its chips proposed, as many as counted by hand. */
  async function detectCommitted(file: string, c: Pick<Counted, 'chips' | 'marked'>) {
    const picture = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'inspect', file));
    const p = await detect(file, picture, c);
    expect(p.found).toBe(c.chips);
    expect(p.mismatch).toBe(false);
    return p;
  }

  for (const c of CACHED) {
    const photo = manifest.photos.find((p) => p.board === c.board)!;
    const present = isCached(PHOTOS_DIR, photo);
    it.skipIf(!present)(
      `${c.board} (${photo.repo} ${photo.path}): ${c.chips} chips${present ? '' : ` — skipped: not in ${PHOTOS_DIR} (its licence forbids committing a copy); ${HOW_TO_GET}`}`,
      async () => {
        const p = await detect(c.board, readCached(PHOTOS_DIR, photo), c);
        expect(p.found).toBe(c.chips);
        expect(p.mismatch).toBe(false);
      },
      60_000,
    );
  }

  // The Ember One render (800 px, in perspective): 4 columns x 3 rows of grey chips between yellow
  // pad strips. Grey-level matching proposed 14 places, 5 of them off a chip (the strips correlate
  // with the marked chip's grey pattern at 0.66-0.73); the colour correlation finds the 12. Each
  // proposal must sit on its own chip: the chips' centres below were read off the picture by hand
  // (fractions of it; the bottom row leans left in the perspective).
  it('Ember One hashboard (256foundation/website, MIT, committed downscaled): its 12 chips, each on a chip counted by hand', async () => {
    const p = await detectCommitted('ember-one-hashboard.jpg', {
      chips: 12,
      marked: { x: 0.161, y: 0.672, width: 0.066, height: 0.066 },
    });
    const rows = [0.596, 0.7, 0.807];
    const columns = [
      [0.198, 0.361, 0.52, 0.681],
      [0.198, 0.361, 0.52, 0.681],
      [0.192, 0.358, 0.52, 0.683],
    ];
    const chips = rows.flatMap((y, r) => columns[r]!.map((x) => ({ x, y })));
    expectEachOnItsOwnChip(p.regions, chips, { x: 0.025, y: 0.025 });
  }, 60_000);

  // A photograph of an Ember One hashboard on a table (256foundation/website, MIT, committed cropped
  // to 620 x 340): 3 rows of 4 chips in perspective, each about 30 x 18 pixels, glare on their
  // markings. The marked chip alone matched 5 of them at CHIP_MATCH_MIN (the others 0.48-0.70, below
  // places off a chip at 0.50); the chips found averaged into a template (REFINE_MIN in
  // src/inspect/opencv-detect.ts) find all 12. Their centres were read off the picture by hand (pixels).
  it('Ember One hashboard, a photograph in perspective (256foundation/website, MIT, committed cropped): its 12 chips, each on a chip counted by hand', async () => {
    const p = await detectCommitted('ember-one-photo.jpg', {
      chips: 12,
      marked: { x: 0.19, y: 0.553, width: 0.052, height: 0.053 },
    });
    const chips = [
      [197, 156],
      [241, 170],
      [284, 185],
      [330, 199],
      [166, 176],
      [210, 190],
      [255, 205],
      [301, 220],
      [134, 196],
      [179, 211],
      [223, 227],
      [270, 243],
    ].map(([x, y]) => ({ x: x! / 620, y: y! / 340 }));
    // within a third of a chip of a centre counted by hand
    expectEachOnItsOwnChip(p.regions, chips, { x: 0.016, y: 0.018 });
  }, 60_000);
});
