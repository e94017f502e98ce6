/**
 * The OpenCV half of inspection (runs in the feature worker): comparing a verified slot with its
 * reference region by region once the slot is warped into the reference's frame (chip detection for
 * a map is in opencv-detect.ts).
 */
import type { RegionKind } from '../protocol.ts';
import type { Quad } from '../verify/geometry.ts';
import type { RawImage } from '../vision/image.ts';
import { colourDifference } from './colour.ts';
import { type Cv, grayOf, mul3, resized, stats } from './cv-helpers.ts';
import { flattened } from './flatten.ts';
import { differing, occluders, RING_MAX, ringShare } from './occluders.ts';
import { regionScore as combinedScore, HIDDEN_MIN, MISSING_BELOW, PRESENT_MIN } from './verdict.ts';

/** Pixel box on the reference picture. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Inspection compares slot and reference at most at this long side. */
const INSPECT_LONG_SIDE = 1024;
/** A region is looked for this share of its size around where the homography puts it. */
const SEARCH_MARGIN = 0.25;
/**
 * Slot and reference are smoothed alike (Gaussian, this many pixels wide, sigma 1.7, at the
 * comparison's scale) before regions are compared: a camera's noise and JPEG blocks otherwise pull
 * the correlation of a chip-sized region below PRESENT_MIN on a good board. Chosen on the validation
 * split of npm run eval's inspection rows: false alarms per 10 good boards 269 unsmoothed, 121 at
 * 5 px, 56 at 9 px, with every kind of defect found as often.
 */
const COMPARE_SMOOTH_PX = 9;
/** Regions under PRESENT_MIN before the colour is compared at all (something over the board covers several). */
const COLOUR_WHEN_DOUBTFUL = 2;
/** The heatmap's long side (pixels), in the frame's aspect. */
export const HEATMAP_LONG_SIDE = 640;

export interface RegionScore {
  id: number;
  /** Best normalised cross-correlation of the reference's region around its place in the slot. */
  ncc: number;
  /** Mean absolute difference there, both pictures normalised to zero mean and unit spread. */
  diff: number;
  /**
   * The same with the light taken out (see partInOtherLight in verdict.ts): a connector's or a
   * component's own mean over the region, a chip's shifted by as much as the board around it moved.
   */
  diffOwn?: number;
  /** Mean of the heatmap's difference over the region (how hot the heatmap is there), in spreads. */
  heat: number;
  /** Share of the region's box under something lying over the board (a hand, a tool, a cable), 0-1. */
  covered: number;
  /**
   * The same share once every region's difference is left out of what lies over the board (occluders.ts,
   * 'regions'), or `covered` where the region's surroundings differ too (ringShare): 0 for a part taken
   * off beside a tool; only where `covered` is not 0.
   */
  coveredApart?: number;
}

export interface AlignedComparison {
  scores: RegionScore[];
  /** Difference over the slot's picture, 0-255, one byte per pixel, HEATMAP_LONG_SIDE at most. */
  heat: { data: Uint8Array; width: number; height: number };
}

function side(q: Quad, a: number, b: number): number {
  return Math.hypot(q[b]![0] - q[a]![0], q[b]![1] - q[a]![1]);
}

/** Around a chip, the board this share of its size wide on each side is its surroundings. */
const RING = 0.5;

/** The mean of `m` around `box` (RING of its size each side, clipped to the picture), the box left out. */
function ringMean(cv: Cv, m: Cv, box: PixelBox): number {
  const mx = Math.round(box.width * RING);
  const my = Math.round(box.height * RING);
  const x0 = Math.max(0, box.x - mx);
  const y0 = Math.max(0, box.y - my);
  const x1 = Math.min(m.cols, box.x + box.width + mx);
  const y1 = Math.min(m.rows, box.y + box.height + my);
  const outer = m.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0));
  const inner = m.roi(new cv.Rect(box.x, box.y, box.width, box.height));
  try {
    const outerArea = (x1 - x0) * (y1 - y0);
    const innerArea = box.width * box.height;
    if (outerArea <= innerArea) return cv.mean(inner)[0] as number;
    return (
      ((cv.mean(outer)[0] as number) * outerArea - (cv.mean(inner)[0] as number) * innerArea) /
      (outerArea - innerArea)
    );
  } finally {
    outer.delete();
    inner.delete();
  }
}

/** Below this spread (grey levels) a region is flat: correlation means nothing, its mean is compared. */
const FLAT_STD = 4;

/** A region's look in the slot against the reference: correlation and photometric difference. */
function regionScore(
  cv: Cv,
  warped: Cv,
  ref: Cv,
  norm: { a: Cv; b: Cv },
  box: PixelBox,
  kind?: RegionKind,
): Omit<RegionScore, 'id' | 'heat' | 'covered'> {
  const mx = Math.max(1, Math.round(box.width * SEARCH_MARGIN));
  const my = Math.max(1, Math.round(box.height * SEARCH_MARGIN));
  const x0 = Math.max(0, box.x - mx);
  const y0 = Math.max(0, box.y - my);
  const x1 = Math.min(warped.cols, box.x + box.width + mx);
  const y1 = Math.min(warped.rows, box.y + box.height + my);
  const rect = new cv.Rect(box.x, box.y, box.width, box.height);
  const templ = ref.roi(rect);
  const search = warped.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0));
  const result = new cv.Mat();
  const none = new cv.Mat();
  const mats = [templ, search, result, none];
  try {
    const t = stats(cv, templ);
    let at = { x: box.x, y: box.y };
    let ncc = 0;
    if (search.cols >= templ.cols && search.rows >= templ.rows) {
      cv.matchTemplate(search, templ, result, cv.TM_CCOEFF_NORMED, none);
      const { maxVal, maxLoc } = cv.minMaxLoc(result);
      ncc = Number.isFinite(maxVal) ? maxVal : 0;
      at = { x: x0 + maxLoc.x, y: y0 + maxLoc.y };
    }
    // the photometric difference where the region matched best, both pictures normalised as a whole
    const live = norm.a.roi(new cv.Rect(at.x, at.y, box.width, box.height));
    const gold = norm.b.roi(rect);
    const d = new cv.Mat();
    mats.push(live, gold, d);
    cv.absdiff(live, gold, d);
    const diff = cv.mean(d)[0] as number;
    // a flat region (a plain part, bare board): correlation means nothing, the difference decides
    const out: Omit<RegionScore, 'id' | 'heat' | 'covered'> = { ncc: t.std < FLAT_STD ? 1 : ncc, diff };
    if (kind === 'chip' || kind === 'connector' || kind === 'component') {
      // a chip: by as much as the board around it moved (a hand's shade darkens both; a burn, only
      // the chip); a connector or a component: by its own mean (the light moves a large plain part
      // against the board)
      const shift =
        kind === 'chip'
          ? ringMean(cv, norm.b, box) - ringMean(cv, norm.a, { ...box, ...at })
          : (cv.mean(gold)[0] as number) - (cv.mean(live)[0] as number);
      const moved = new cv.Mat();
      mats.push(moved);
      live.convertTo(moved, -1, 1, shift);
      cv.absdiff(moved, gold, d);
      out.diffOwn = cv.mean(d)[0] as number;
    }
    return out;
  } finally {
    for (const m of mats) m.delete();
  }
}

/** The regions scored again with the light estimated around what lies over the board (`cover`). */
function scoredBeside(
  cv: Cv,
  warped: Cv,
  refGray: Cv,
  cover: Cv,
  boxes: readonly { id: number; kind?: RegionKind; box: PixelBox }[],
): Omit<RegionScore, 'heat' | 'covered'>[] {
  const a = flattened(cv, warped, cover);
  const b = flattened(cv, refGray, cover);
  try {
    return boxes.map((r) => ({ id: r.id, ...regionScore(cv, warped, refGray, { a, b }, r.box, r.kind) }));
  } finally {
    a.delete();
    b.delete();
  }
}

/**
 * Warps the slot into the reference's frame (the outline is the reference's corners in the slot),
 * at the smaller of the two resolutions, and scores each region; the per-pixel difference of the
 * two (each normalised to zero mean, unit spread) comes back warped into the slot's frame.
 */
export function compareAligned(
  cv: Cv,
  slot: RawImage,
  outline: Quad,
  ref: RawImage,
  regions: readonly { id: number; kind?: RegionKind; box: PixelBox }[],
): AlignedComparison {
  const onSlot = Math.max(
    (side(outline, 0, 1) + side(outline, 3, 2)) / 2 / ref.width,
    (side(outline, 1, 2) + side(outline, 0, 3)) / 2 / ref.height,
  );
  const scale = Math.min(1, INSPECT_LONG_SIDE / Math.max(ref.width, ref.height), onSlot);
  const w = Math.max(8, Math.round(ref.width * scale));
  const h = Math.max(8, Math.round(ref.height * scale));
  const mats: Cv[] = [];
  const keep = <T>(m: T): T => {
    mats.push(m);
    return m;
  };
  try {
    const refFull = keep(grayOf(cv, ref));
    const refGray = keep(resized(cv, refFull, w, h));
    const slotGray = keep(grayOf(cv, slot));
    const src = keep(cv.matFromArray(4, 1, cv.CV_32FC2, outline.flat()));
    const dst = keep(cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, w, 0, w, h, 0, h]));
    const toRef = keep(cv.getPerspectiveTransform(src, dst));
    const warped = keep(new cv.Mat());
    cv.warpPerspective(slotGray, warped, toRef, new cv.Size(w, h), cv.INTER_AREA, cv.BORDER_REPLICATE);
    // both smoothed alike before any region is compared (see COMPARE_SMOOTH_PX)
    const smooth = new cv.Size(COMPARE_SMOOTH_PX, COMPARE_SMOOTH_PX);
    cv.GaussianBlur(warped, warped, smooth, 0);
    cv.GaussianBlur(refGray, refGray, smooth, 0);
    const a = keep(flattened(cv, warped));
    const b = keep(flattened(cv, refGray));
    const boxes = regions.map((r) => {
      const x = Math.min(w - 1, Math.round(r.box.x * scale));
      const y = Math.min(h - 1, Math.round(r.box.y * scale));
      return {
        id: r.id,
        kind: r.kind,
        box: {
          x,
          y,
          width: Math.max(1, Math.min(w - x, Math.round(r.box.width * scale))),
          height: Math.max(1, Math.min(h - y, Math.round(r.box.height * scale))),
        },
      };
    });
    const scored = boxes.map((r) => ({
      id: r.id,
      ...regionScore(cv, warped, refGray, { a, b }, r.box, r.kind),
    }));
    // the heatmap: |a - b| of the two normalised pictures, smoothed, 3 spreads -> 255
    const blurA = keep(new cv.Mat());
    const blurB = keep(new cv.Mat());
    const k = Math.max(3, 2 * Math.round(Math.min(w, h) / 200) + 1);
    cv.GaussianBlur(a, blurA, new cv.Size(k, k), 0);
    cv.GaussianBlur(b, blurB, new cv.Size(k, k), 0);
    const diff = keep(new cv.Mat());
    cv.absdiff(blurA, blurB, diff);
    // what lies over the board
    // the colour is compared only where something is to be explained: a board whose parts all match
    // (most slots) has nothing over it to find
    const doubtful = scored.filter((r) => combinedScore(r) < PRESENT_MIN).length;
    const colour =
      doubtful >= COLOUR_WHEN_DOUBTFUL
        ? keep(
            colourDifference(
              cv,
              slot,
              toRef,
              ref,
              { w, h },
              boxes.map((b) => b.box),
            ),
          )
        : undefined;
    // a part taken off changes the light taken out around it as far as flattened's window
    const glow = Math.round(Math.max(w, h) / 24);
    const pixelBoxes = boxes.map((b) => b.box);
    const cover = keep(occluders(cv, diff, pixelBoxes, glow, colour));
    // what lies over the board without the regions' own differences (a part taken off beside a tool)
    const apart =
      cv.countNonZero(cover) > 0 ? keep(occluders(cv, diff, pixelBoxes, glow, colour, 'own blobs')) : null;
    // ... and without any region's own difference: is a region under it only through its own? (a chip
    // taken off beside a tool, its difference touching the tool's, is one blob with it); not where
    // its surroundings differ too (ringShare: it lies amid what is over the board)
    const alone = apart && keep(occluders(cv, diff, pixelBoxes, glow, colour, 'regions'));
    const differs = alone && keep(differing(cv, diff, colour, new cv.Mat()));
    // with something over the board, the light is taken out of both pictures around it only (see
    // flattened in flatten.ts; without the regions' own differences: a chip taken off beside a tool
    // is the board), and the regions are scored again on those
    const beside =
      apart && cv.countNonZero(apart) > 0 ? scoredBeside(cv, warped, refGray, apart, boxes) : scored;
    const shares = boxes.map(({ box: { x, y, width, height } }) => {
      const rect = new cv.Rect(x, y, width, height);
      const under = cover.roi(rect);
      const underApart = alone?.roi(rect);
      try {
        const covered = cv.countNonZero(under) / (width * height);
        const share = covered > 0 && underApart ? cv.countNonZero(underApart) / (width * height) : undefined;
        const amid =
          share !== undefined &&
          share < HIDDEN_MIN &&
          covered >= HIDDEN_MIN &&
          ringShare(differs, { x, y, width, height }) >= RING_MAX;
        const coveredApart = amid ? covered : share;
        return { covered, coveredApart };
      } finally {
        under.delete();
        underApart?.delete();
      }
    });
    // the heatmap shows where the board differs, not the hand over it; but a region scoring missing
    // that lies under it only through its own difference (a part taken off beside a tool: see
    // takenOffBeside in verdict.ts) keeps its difference there
    const blank = cover.clone();
    keep(blank);
    shares.forEach((c, i) => {
      if (c.coveredApart === undefined || c.coveredApart >= HIDDEN_MIN) return;
      if (combinedScore(beside[i]!) >= MISSING_BELOW) return;
      const { x, y, width, height } = boxes[i]!.box;
      const roi = blank.roi(new cv.Rect(x, y, width, height));
      roi.setTo(new cv.Scalar(0));
      roi.delete();
    });
    diff.setTo(new cv.Scalar(0), blank);
    const scores = beside.map((r, i) => {
      const { x, y, width, height } = boxes[i]!.box;
      const roi = diff.roi(new cv.Rect(x, y, width, height));
      try {
        const { covered, coveredApart } = shares[i]!;
        return {
          ...r,
          heat: cv.mean(roi)[0] as number,
          covered,
          ...(coveredApart === undefined ? {} : { coveredApart }),
        };
      } finally {
        roi.delete();
      }
    });
    const diff8 = keep(new cv.Mat());
    diff.convertTo(diff8, cv.CV_8U, 255 / 3, 0);
    const hs = Math.min(1, HEATMAP_LONG_SIDE / Math.max(slot.width, slot.height));
    const hw = Math.max(1, Math.round(slot.width * hs));
    const hh = Math.max(1, Math.round(slot.height * hs));
    // heatmap pixel -> slot pixel (1/hs) -> reference frame (toRef): the inverse map warpPerspective wants
    const back = mul3(toRef.data64F, [1 / hs, 0, 0, 0, 1 / hs, 0, 0, 0, 1]);
    const backMat = keep(cv.matFromArray(3, 3, cv.CV_64F, back));
    const heat = keep(new cv.Mat());
    cv.warpPerspective(
      diff8,
      heat,
      backMat,
      new cv.Size(hw, hh),
      cv.INTER_LINEAR | cv.WARP_INVERSE_MAP,
      cv.BORDER_CONSTANT,
      new cv.Scalar(0),
    );
    return { scores, heat: { data: Uint8Array.from(heat.data), width: hw, height: hh } };
  } finally {
    for (const m of mats) m.delete();
  }
}
