import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_FRAME } from '../../src/config/schema.ts';
import { decodeImage } from '../../src/vision/image.ts';
import { makeDemo } from '../../tools/synth/demo.ts';
import { type InspectionBench, openInspectionBench } from './setup.ts';

/**
 * The demo bench's S19j Pro (what `npm start` imports): its first catalog picture is the bench as the
 * camera sees it (a green cutting mat), its second the board turned on a wooden bench, its third turned
 * further. A user draws the map on the first (a whole frame, bench and all: the dashboard's references
 * are slots of the camera's frame) and puts the board down elsewhere. The chip at the marked box is the
 * first of the row of chips along the board's top edge, beside the bench.
 */
const MARKED = { x: 0.231, y: 0.316, width: 0.0156, height: 0.0208 };

describe('a map drawn on a picture of the whole bench judges the board, not the bench around it (demo S19j Pro, real opencv.js)', () => {
  let dir: string;
  let bench: InspectionBench;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'benchsight-bench-around-'));
    await makeDemo(dir);
    bench = await openInspectionBench('bench-around');
  }, 120_000);

  afterAll(async () => {
    await bench?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const picture = (n: number) => readFileSync(join(dir, 'catalog', `01-s19j-pro-${n}.jpg`));

  // Skipped: a known limitation, found 2026-12-05 and not fixed yet (README, Inspection, "Known
  // limitation: a map drawn on a picture of the whole bench"). The wooden bench, brought into the mat's
  // light over the whole picture, reads as something lying over the board: no chip found on the second
  // picture, all 19 `hidden`. A fix comparing only the hull of the map's regions passed this test and
  // the eval's targets but made a good corner chip `differ` in inspect.test.ts (the light taken out
  // across the seam between live and reference pixels); it was reverted. Un-skip with the next fix.
  it.skip('every chip of the row is judged on another bench: none missing, at most one not found', async () => {
    const boardId = bench.catalog.createBoard({
      vendor: 'Bitmain',
      model: 'S19j Pro',
      kind: 'hashboard',
      chipCount: 126,
    }).id;
    const referenceId = await bench.enroll(boardId, picture(1));
    const proposal = await bench.inspector.detect(boardId, referenceId, MARKED);
    // the row of chips along the top edge (the others lie under the heatsinks): the count says so
    expect(proposal.found).toBeGreaterThanOrEqual(15);
    expect(proposal.mismatch).toBe(true);
    bench.catalog.putInspectionMap(boardId, { referenceId, regions: proposal.regions });
    for (const n of [2, 3]) {
      const r = await bench.inspector.inspect(await decodeImage(picture(n)), WHOLE_FRAME, boardId);
      expect(r.verified, `picture ${n}: ${r.reason}`).toBe(true);
      const chips = r.counts.chips;
      expect(chips.missing, `picture ${n}`).toBe(0);
      expect(chips.found, `picture ${n}: ${JSON.stringify(chips)}`).toBeGreaterThanOrEqual(
        proposal.found - 1,
      );
    }
  }, 240_000);
});
