import { VERIFY_DEFAULTS } from '../../src/config/schema.ts';
import { REFERENCES_PER_BOARD } from '../../src/pipeline/verification.ts';
import { cropPixels, type LocalFeatures } from '../../src/verify/features.ts';
import { detectFeatures, loadOpenCv, matchPair, queryMatrix } from '../../src/verify/opencv.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import type { ReferenceFeatures } from '../../src/verify/worker.ts';
import { decodeImage, type RawImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../synth/board.ts';
import { NO_NUISANCE } from '../synth/nuisance.ts';
import { renderBenchView } from '../synth/scene.ts';
import type { Context } from './sections.ts';
import { row } from './sections.ts';
import { percentile } from './stats.ts';
import { type BenchmarkRow, ms, ratio } from './table.ts';

const W = 640;
const H = 480;
const TARGET_MS = 150;

async function slotView(
  seed: number,
  view: number,
): Promise<{ raw: RawImage; region: { x: number; y: number; width: number; height: number } }> {
  const { jpeg, meta } = await renderBenchView(boardTypeFromSeed(seed), view, {
    width: W,
    height: H,
    nuisance: { ...NO_NUISANCE, rotation: 0.1, lighting: 0.5, blur: 0.3 },
    pose: { cx: W / 2, cy: H / 2, pxPerMm: 1.75 },
  });
  const b = meta.board!.bbox;
  return {
    raw: await decodeImage(jpeg),
    region: { x: b.x / W, y: b.y / H, width: b.width / W, height: b.height / H },
  };
}

/**
 * Verification of one slot against the default shortlist (match.verify.candidates boards x
 * REFERENCES_PER_BOARD references), through the feature worker as the daemon runs it, beside the
 * bare opencv.js calls (detect, then match each reference) on the same pictures in this thread.
 */
export async function verifySection(ctx: Context, queries = 15): Promise<BenchmarkRow[]> {
  ctx.log('verify: rendering the shortlist and the slot views');
  const boards = VERIFY_DEFAULTS.candidates;
  const verifier = new Verifier();
  const references: ReferenceFeatures[] = [];
  const crops: { crop: RawImage; boardId: number }[] = [];
  for (let b = 0; b < boards; b++) {
    for (let v = 0; v < REFERENCES_PER_BOARD; v++) {
      const { raw, region } = await slotView(1000 + b, v);
      const features = await verifier.extract(raw, region);
      references.push({ referenceId: references.length + 1, boardId: b + 1, features });
      crops.push({ crop: cropPixels(raw, region), boardId: b + 1 });
    }
  }
  const views = await Promise.all(
    Array.from({ length: queries }, (_, i) => slotView(1000 + (i % boards), 100 + i)),
  );
  const ours: number[] = [];
  for (const v of views)
    ours.push((await verifier.verify(v.raw, { x: 0, y: 0, width: 1, height: 1 }, references)).ms);
  await verifier.stop();
  ctx.log('verify: bare opencv.js calls');
  const { cv } = await loadOpenCv();
  const bare: number[] = [];
  let detectMs = 0;
  for (const v of views) {
    const t0 = performance.now();
    const q: LocalFeatures = detectFeatures(cv, v.raw);
    detectMs += performance.now() - t0;
    const mat = queryMatrix(cv, q);
    for (const r of references) matchPair(cv, q, mat, r.features);
    mat.delete();
    bare.push(performance.now() - t0);
  }
  const median = percentile(ours, 50);
  const bareMedian = percentile(bare, 50);
  return [
    row(
      'Verify',
      `one ${W}x${H} slot vs ${boards} boards x ${REFERENCES_PER_BOARD} references (feature worker), median of ${queries}`,
      ms(median),
      `bare opencv.js detect + ${references.length} matches ${ms(bareMedian)} (detect alone ${ms(detectMs / views.length)})`,
      ratio(median / bareMedian),
      `<= ${TARGET_MS} ms`,
      median <= TARGET_MS,
    ),
  ];
}
