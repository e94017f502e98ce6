import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/index.ts';
import { WHOLE_FRAME } from '../../src/config/schema.ts';
import { Inspector } from '../../src/inspect/inspector.ts';
import { compareAligned } from '../../src/inspect/opencv-inspect.ts';
import { toPixels } from '../../src/inspect/regions.ts';
import { INSPECTION_FEATURES, INSPECTION_REFERENCE_FEATURES } from '../../src/verify/features.ts';
import { detectFeatures, loadOpenCv, matchPair, queryMatrix } from '../../src/verify/opencv.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { cropJpeg, decodeImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../synth/board.ts';
import { NO_NUISANCE } from '../synth/nuisance.ts';
import { renderBenchView } from '../synth/scene.ts';
import type { BoardType } from '../synth/types.ts';
import type { Context } from './sections.ts';
import { row } from './sections.ts';
import { percentile } from './stats.ts';
import { type BenchmarkRow, ms, ratio } from './table.ts';

const W = 960;
const H = 480;
const TARGET_MS = 300;
const MAX_PIXELS = 40_000_000;

/** A hashboard of 126 bare chips (6 rows of 21), no stickers over them. */
function board126(): BoardType {
  const t = boardTypeFromSeed(303, 'hashboard');
  return { ...t, overlay: [], chips: { ...t.chips!, rows: 6, cols: 21, heatsink: null } };
}

async function view(
  t: BoardType,
  seed: number,
  o: { width: number; height: number; pxPerMm: number; angleDeg: number },
) {
  const { jpeg, meta } = await renderBenchView(t, seed, {
    width: o.width,
    height: o.height,
    nuisance: { ...NO_NUISANCE, lighting: 0.4, blur: 0.2 },
    background: 'esd-mat',
    pose: {
      cx: o.width / 2,
      cy: o.height / 2,
      angleDeg: o.angleDeg,
      shear: 0,
      squash: 1,
      pxPerMm: o.pxPerMm,
    },
  });
  return { jpeg, bbox: meta.board!.bbox };
}

/**
 * Inspection of one slot showing a 126-chip board, as the daemon runs it (the map's reference
 * matched into the slot, the slot warped and its 126 chips compared, the heatmap PNG), beside the
 * bare opencv.js operations it is made of, in this thread, on the same pictures.
 */
export async function inspectSection(ctx: Context, queries = 15): Promise<BenchmarkRow[]> {
  ctx.log('inspect: rendering a 126-chip board, its map and the slot views');
  const dir = mkdtempSync(join(tmpdir(), 'benchsight-bench-inspect-'));
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  const verifier = new Verifier();
  try {
    const t = board126();
    const shot = await view(t, 1, { width: 1400, height: 560, pxPerMm: 3.8, angleDeg: 0 });
    const b = shot.bbox;
    const region = { x: b.x / 1400, y: b.y / 560, width: b.width / 1400, height: b.height / 560 };
    const raw = await decodeImage(shot.jpeg);
    const crop = await cropJpeg(raw, region, { maxSide: 1280, quality: 90 });
    const thumb = await cropJpeg(raw, region, { width: 160, quality: 70 });
    const boardId = catalog.createBoard({
      vendor: 'Bench',
      model: '126',
      kind: 'hashboard',
      chipCount: 126,
    }).id;
    const ref = catalog.addReference({
      boardId,
      image: crop.jpeg,
      thumbnail: thumb.jpeg,
      width: crop.width,
      height: crop.height,
      source: 'upload',
    });
    const inspector = new Inspector({ catalog, verifier, maxImagePixels: MAX_PIXELS });
    const c = t.chips!;
    const first = { x: c.x + (c.pitchX - c.chipSize) / 2, y: c.y + (c.pitchY - c.chipSize) / 2 };
    const proposal = await inspector.detect(boardId, ref.id, {
      x: first.x / t.width,
      y: first.y / t.height,
      width: c.chipSize / t.width,
      height: c.chipSize / t.height,
    });
    catalog.putInspectionMap(boardId, { referenceId: ref.id, regions: proposal.regions });
    const views = await Promise.all(
      Array.from({ length: queries }, async (_, i) =>
        decodeImage(
          (await view(t, 100 + i, { width: W, height: H, pxPerMm: 2.4, angleDeg: i % 2 ? 4 : -4 })).jpeg,
        ),
      ),
    );
    await inspector.inspect(views[0]!, WHOLE_FRAME, boardId); // the reference decoded and its features computed
    const ours: number[] = [];
    let found = 0;
    for (const v of views) {
      const r = await inspector.inspect(v, WHOLE_FRAME, boardId);
      ours.push(r.ms);
      if (r.counts.chips.found === 126 && r.counts.chips.missing === 0) found++;
    }
    ctx.log('inspect: bare opencv.js operations');
    const { cv } = await loadOpenCv();
    const refRaw = await decodeImage(crop.jpeg);
    const refFeatures = detectFeatures(cv, refRaw, INSPECTION_REFERENCE_FEATURES);
    const boxes = proposal.regions.map((g) => ({
      id: g.id,
      box: toPixels(g.box, refRaw.width, refRaw.height),
    }));
    const bare: number[] = [];
    let compareMs = 0;
    for (const v of views) {
      const t0 = performance.now();
      const q = detectFeatures(cv, v, INSPECTION_FEATURES);
      const mat = queryMatrix(cv, q);
      const pair = matchPair(cv, q, mat, refFeatures);
      mat.delete();
      const t1 = performance.now();
      if (pair.outline) {
        const outline = pair.outline.map(([x, y]) => [
          (x * v.width) / q.width,
          (y * v.height) / q.height,
        ]) as typeof pair.outline;
        compareAligned(cv, v, outline, refRaw, boxes);
      }
      compareMs += performance.now() - t1;
      bare.push(performance.now() - t0);
    }
    const median = percentile(ours, 50);
    const bareMedian = percentile(bare, 50);
    return [
      row(
        'Inspect',
        `one ${W}x${H} slot, 126-chip board: aligned with its map's reference (ORB at inspection's size), warp, compare 126 chips, heatmap PNG (feature worker), median of ${queries}; ${found}/${queries} counted 126/126`,
        ms(median),
        `bare opencv.js detect + match (BFMatcher) at the same size + warp + 126 matchTemplate ${ms(bareMedian)} (warp + compare alone ${ms(compareMs / views.length)})`,
        ratio(median / bareMedian),
        `<= ${TARGET_MS} ms`,
        median <= TARGET_MS,
      ),
      row(
        'Inspect',
        `chip detection from one marked chip (matchTemplate + NMS) on a ${crop.width}x${crop.height} reference`,
        `${proposal.found} chips`,
        'chipCount 126',
        '',
        '= 126',
        proposal.found === 126,
      ),
    ];
  } finally {
    await verifier.stop();
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
