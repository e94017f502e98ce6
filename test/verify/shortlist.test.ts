import { afterAll, describe, expect, it } from 'vitest';
import { VERIFY_DEFAULTS, WHOLE_FRAME } from '../../src/config/schema.ts';
import { decideVerified } from '../../src/match/verify-decide.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import type { ReferenceFeatures } from '../../src/verify/worker.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE } from '../../tools/synth/nuisance.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';

const W = 640;
const H = 480;
const policy = { enabled: true, ...VERIFY_DEFAULTS };

async function view(seed: number, n: number, angleDeg = 0) {
  const { jpeg, meta } = await renderBenchView(boardTypeFromSeed(seed), n, {
    width: W,
    height: H,
    nuisance: { ...NO_NUISANCE, rotation: 0.1, lighting: 0.5, blur: 0.3 },
    pose: { cx: W / 2, cy: H / 2, pxPerMm: 1.75, angleDeg },
  });
  const b = meta.board!.bbox;
  return {
    raw: await decodeImage(jpeg),
    region: { x: b.x / W, y: b.y / H, width: b.width / W, height: b.height / H },
  };
}

describe('matching a shortlist (real opencv.js in the feature worker): homographies that cannot change the decision are skipped', () => {
  const verifier = new Verifier();
  afterAll(() => verifier.stop());

  it('decides as when every homography is estimated (the same board, inliers and outline), estimating fewer', async () => {
    const references: ReferenceFeatures[] = [];
    for (let b = 0; b < 3; b++) {
      for (let v = 0; v < 2; v++) {
        const { raw, region } = await view(1000 + b, v);
        references.push({
          referenceId: references.length + 1,
          boardId: b + 1,
          features: await verifier.extract(raw, region),
        });
      }
    }
    let skipped = 0;
    // views of each enrolled board, then of a board never enrolled
    for (const [seed, n] of [
      [1000, 40],
      [1001, 41],
      [1002, 42],
      [1099, 43],
    ] as const) {
      const { raw } = await view(seed, n, 8);
      const all = await verifier.verify(raw, WHOLE_FRAME, references, null);
      const settled = await verifier.verify(raw, WHOLE_FRAME, references, policy);
      const a = decideVerified(all, policy);
      const b = decideVerified(settled, policy);
      expect(b.boardId, `view of ${seed}`).toBe(a.boardId);
      expect(b.reason).toBe(a.reason);
      if (a.boardId !== null) {
        expect(b.inliers).toBe(a.inliers);
        expect(b.outline).toEqual(a.outline);
      }
      if (seed !== 1099) expect(b.boardId).toBe(seed - 999);
      // each pair reports its good matches: a bound on its inliers
      for (const p of settled.pairs) expect(p.inliers).toBeLessThanOrEqual(p.matches);
      const estimated = (r: typeof all) => r.pairs.filter((p) => p.estimated).length;
      expect(estimated(settled)).toBeLessThanOrEqual(estimated(all));
      skipped += estimated(all) - estimated(settled);
    }
    expect(skipped).toBeGreaterThan(0);
  }, 120_000);
});
