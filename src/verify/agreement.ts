import type { RawImage } from '../vision/image.ts';
import type { GreyPicture } from './agreement-grey.ts';
import { FEATURE_CONFIG, featureSize } from './features.ts';
import type { Quad } from './geometry.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
type Cv = any;

/**
 * The dense check after alignment: the slot's picture brought into the verified reference's frame
 * through its outline, both blurred, then compared cell by cell (normalised cross-correlation, so
 * light and contrast do not count). Another revision of a board, or a sibling that shares most of
 * its parts, maps onto the reference with as many inliers as the board itself, but where they differ
 * (a display, a row of parts, a connector) the cells do not correlate.
 */
export const AGREEMENT = {
  /** Cells per side of the reference. */
  grid: 8,
  /**
   * Gaussian blur of both pictures, in pixels of the halved pictures the cells are compared on (both
   * are brought down one pyramid step first: a quarter of the pixels to warp and blur). 1 there is
   * about 2 at the feature size: a pixel or two of misalignment does not count.
   */
  sigma: 1,
  /** A cell whose grey levels vary less than this (variance) is flat in the reference: it says nothing. */
  minVariance: 25,
  /** A cell must lie this much inside the slot's picture to be compared. */
  minInside: 0.8,
  /** Fewer comparable cells than this: no agreement can be told (null). */
  minCells: 4,
} as const;

export interface Agreement {
  /** Median correlation of the comparable cells, -1..1; null: too few comparable cells. */
  score: number | null;
  /** Cells compared. */
  cells: number;
}

/** An RGB picture as grey at the feature size (the size its keypoints and an outline are in). */
export function greyAtFeatureSize(cv: Cv, image: RawImage): GreyPicture {
  const { width, height } = featureSize(image.width, image.height, FEATURE_CONFIG.longSide);
  const rgb = new cv.Mat(image.height, image.width, cv.CV_8UC3);
  const grey = new cv.Mat();
  const small = new cv.Mat();
  try {
    rgb.data.set(image.data);
    cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
    cv.resize(grey, small, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
    return { width, height, data: Uint8Array.from(small.data as Uint8Array) };
  } finally {
    for (const m of [rgb, grey, small]) m.delete();
  }
}

function matOf(cv: Cv, p: GreyPicture): Cv {
  const m = new cv.Mat(p.height, p.width, cv.CV_8UC1);
  m.data.set(p.data);
  return m;
}

/**
 * How well the slot's picture (grey, feature size) agrees with the reference's where `outline` (the
 * reference's corners in the slot's picture) says the reference lies.
 */
export function agreement(cv: Cv, slot: GreyPicture, reference: GreyPicture, outline: Quad): Agreement {
  const fullRef = matOf(cv, reference);
  const fullQuery = matOf(cv, slot);
  const ref = new cv.Mat();
  const query = new cv.Mat();
  const warped = new cv.Mat();
  const inside = new cv.Mat();
  const a = new cv.Mat();
  const b = new cv.Mat();
  const mats = [fullRef, fullQuery, ref, query, warped, inside, a, b];
  try {
    cv.pyrDown(fullRef, ref);
    cv.pyrDown(fullQuery, query);
    const rw = ref.cols as number;
    const rh = ref.rows as number;
    // the outline in the halved slot, onto the halved reference's corners
    const src = cv.matFromArray(
      4,
      1,
      cv.CV_32FC2,
      outline.flat().map((v) => v / 2),
    );
    const dst = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, rw, 0, rw, rh, 0, rh]);
    mats.push(src, dst);
    const toRef = cv.getPerspectiveTransform(src, dst);
    const ones = new cv.Mat(query.rows, query.cols, cv.CV_8UC1, new cv.Scalar(255));
    mats.push(toRef, ones);
    const size = new cv.Size(rw, rh);
    const black = new cv.Scalar(0);
    cv.warpPerspective(query, warped, toRef, size, cv.INTER_LINEAR, cv.BORDER_CONSTANT, black);
    cv.warpPerspective(ones, inside, toRef, size, cv.INTER_NEAREST, cv.BORDER_CONSTANT, black);
    const k = new cv.Size(0, 0);
    cv.GaussianBlur(ref, a, k, AGREEMENT.sigma);
    cv.GaussianBlur(warped, b, k, AGREEMENT.sigma);
    const scores = cellCorrelations(a.data, b.data, inside.data, rw, rh);
    if (scores.length < AGREEMENT.minCells) return { score: null, cells: scores.length };
    scores.sort((x, y) => x - y);
    return { score: scores[Math.floor(scores.length / 2)]!, cells: scores.length };
  } finally {
    for (const m of mats) m.delete();
  }
}

/** Normalised cross-correlation of each comparable cell of a grid over two pictures of one size. */
export function cellCorrelations(
  ref: Uint8Array,
  slot: Uint8Array,
  inside: Uint8Array,
  width: number,
  height: number,
): number[] {
  const { grid, minInside, minVariance } = AGREEMENT;
  const out: number[] = [];
  for (let gy = 0; gy < grid; gy++) {
    const y0 = Math.floor((gy * height) / grid);
    const y1 = Math.floor(((gy + 1) * height) / grid);
    for (let gx = 0; gx < grid; gx++) {
      const x0 = Math.floor((gx * width) / grid);
      const x1 = Math.floor(((gx + 1) * width) / grid);
      let n = 0;
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          if (!inside[i]) continue;
          const va = ref[i]!;
          const vb = slot[i]!;
          n++;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      if (n === 0 || n < minInside * (x1 - x0) * (y1 - y0)) continue;
      const ma = sa / n;
      const mb = sb / n;
      const va = saa / n - ma * ma;
      const vb = sbb / n - mb * mb;
      if (va < minVariance) continue;
      out.push(vb < 1 ? 0 : (sab / n - ma * mb) / Math.sqrt(va * vb));
    }
  }
  return out;
}
