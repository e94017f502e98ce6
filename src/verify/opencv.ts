import { BenchsightError, errorMessage } from '../errors.ts';
import type { RawImage } from '../vision/image.ts';
import {
  DESCRIPTOR_BYTES,
  type DetectionSize,
  FEATURE_CONFIG,
  featureSize,
  keypointCount,
  type LocalFeatures,
} from './features.ts';
import { onQuad, plausibleOutline, type Quad } from './geometry.ts';
import type { NearestTwo } from './hamming-kernel.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
type Cv = any;

/** Lowe's ratio: a match counts when its best neighbour is clearly closer than the second best. */
const RATIO = 0.8;
/** RANSAC reprojection error, pixels at the feature size. */
const RANSAC_PX = 5;
/** Fewer good matches than this cannot make a homography worth checking. */
const MIN_MATCHES = 8;
/** A distance no pair of descriptors reaches (256 bits): no neighbour. */
const FAR = 1 << 20;

/**
 * Loads OpenCV's WebAssembly build (several MB, about a second): done once per thread that
 * verifies, never at import. The module is a thenable that resolves to itself, so it is handed
 * back wrapped (an async function returning it would wait on it forever).
 */
export async function loadOpenCv(): Promise<{ cv: Cv }> {
  try {
    // the Emscripten build installs process-wide handlers (print its source and abort on any
    // unhandled rejection): the process keeps its own
    const before = {
      exception: new Set(process.listeners('uncaughtException')),
      rejection: new Set(process.listeners('unhandledRejection')),
    };
    const mod = (await import('@techstark/opencv-js')) as { default: Cv };
    for (const l of process.listeners('uncaughtException'))
      if (!before.exception.has(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection'))
      if (!before.rejection.has(l)) process.off('unhandledRejection', l);
    const cv = mod.default;
    if (!cv.Mat) {
      await new Promise<void>((resolve) => {
        cv.onRuntimeInitialized = () => resolve();
      });
    }
    return { cv };
  } catch (err) {
    throw new BenchsightError(
      'E_DEPENDENCY',
      `cannot load OpenCV (@techstark/opencv-js): ${errorMessage(err)}; reinstall with npm ci`,
      { cause: err },
    );
  }
}

/** ORB keypoints and descriptors of an RGB picture, scaled to `size.longSide` (FEATURE_CONFIG's). */
export function detectFeatures(cv: Cv, image: RawImage, size: DetectionSize = FEATURE_CONFIG): LocalFeatures {
  const { width, height } = featureSize(image.width, image.height, size.longSide);
  const rgb = new cv.Mat(image.height, image.width, cv.CV_8UC3);
  const gray = new cv.Mat();
  const small = new cv.Mat();
  const none = new cv.Mat();
  const kp = new cv.KeyPointVector();
  const des = new cv.Mat();
  const orb = new cv.ORB(size.maxKeypoints);
  const pad = size.pad ?? 0;
  const padded = new cv.Mat();
  try {
    rgb.data.set(image.data);
    cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY);
    cv.resize(gray, small, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
    // dim or washed-out pictures: stretch the grey levels so FAST's fixed threshold still finds corners
    cv.normalize(small, small, 0, 255, cv.NORM_MINMAX);
    if (pad > 0) cv.copyMakeBorder(small, padded, pad, pad, pad, pad, cv.BORDER_REFLECT_101);
    orb.detectAndCompute(pad > 0 ? padded : small, none, kp, des);
    const found = des.rows === kp.size() ? kp.size() : 0;
    const xy: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < found; i++) {
      const p = kp.get(i).pt;
      const [x, y] = [p.x - pad, p.y - pad];
      // a keypoint on the mirror is not on the picture
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      xy.push(x, y);
      kept.push(i);
    }
    const descriptors = new Uint8Array(kept.length * DESCRIPTOR_BYTES);
    for (const [j, i] of kept.entries()) {
      descriptors.set(
        des.data.subarray(i * DESCRIPTOR_BYTES, (i + 1) * DESCRIPTOR_BYTES),
        j * DESCRIPTOR_BYTES,
      );
    }
    return { width, height, keypoints: Float32Array.from(xy), descriptors };
  } finally {
    for (const m of [rgb, gray, small, none, kp, des, orb, padded]) m.delete();
  }
}

export interface PairMatch {
  inliers: number;
  /** The reference's corners in the query (feature-size pixels); null without a plausible homography. */
  outline: Quad | null;
}

/** Point pairs that passed the ratio test: the reference's keypoints and their matches in the query. */
export interface GoodMatches {
  /** x, y in the reference, interleaved. */
  src: number[];
  /** x, y in the query, interleaved. */
  dst: number[];
}

export const NO_MATCH: PairMatch = Object.freeze({ inliers: 0, outline: null });

/**
 * Lowe's ratio test over each reference keypoint's two nearest query keypoints (rows `first` to
 * `first + count(ref)` of `nearest`): a match counts when its best neighbour is clearly closer than
 * the second best.
 */
export function goodMatches(
  nearest: NearestTwo,
  first: number,
  ref: LocalFeatures,
  query: LocalFeatures,
): GoodMatches {
  const src: number[] = [];
  const dst: number[] = [];
  if (keypointCount(query) < 2) return { src, dst };
  const n = keypointCount(ref);
  for (let i = 0; i < n; i++) {
    const r = first + i;
    if (nearest.distance[r]! < RATIO * nearest.second[r]!) {
      const q = nearest.index[r]!;
      src.push(ref.keypoints[2 * i]!, ref.keypoints[2 * i + 1]!);
      dst.push(query.keypoints[2 * q]!, query.keypoints[2 * q + 1]!);
    }
  }
  return { src, dst };
}

/**
 * Mutual nearest neighbours (a cross-check, no ratio test): a reference keypoint and the query
 * keypoint nearest to it, where that query keypoint's nearest among the reference's keypoints is it.
 * `nearest` rows `first` to `first + count(ref)` hold each reference keypoint's nearest in the query,
 * `back` each query keypoint's nearest among the reference's. On a board of repeated chips the ratio
 * test drops every chip (its neighbours look alike); their mutual matches keep the grid's geometry.
 */
export function mutualMatches(
  nearest: NearestTwo,
  first: number,
  back: NearestTwo,
  ref: LocalFeatures,
  query: LocalFeatures,
): GoodMatches {
  const src: number[] = [];
  const dst: number[] = [];
  const n = keypointCount(ref);
  const m = keypointCount(query);
  for (let i = 0; i < n; i++) {
    const r = first + i;
    const q = nearest.index[r]!;
    if (nearest.distance[r]! > DESCRIPTOR_BYTES * 8 || q < 0 || q >= m || back.index[q] !== i) continue;
    src.push(ref.keypoints[2 * i]!, ref.keypoints[2 * i + 1]!);
    dst.push(query.keypoints[2 * q]!, query.keypoints[2 * q + 1]!);
  }
  return { src, dst };
}

/** Guided matching: how far (feature-size pixels) from where the homography puts it a keypoint may lie. */
const GUIDED_RADIUS_PX = 6;
/** Guided matching: the largest descriptor distance (of 256 bits) a pair may have. */
const GUIDED_MAX_BITS = 64;
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let n = 0;
  for (let x = v; x; x >>= 1) n += x & 1;
  return n;
});

function hamming(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  let d = 0;
  const ai = i * DESCRIPTOR_BYTES;
  const bj = j * DESCRIPTOR_BYTES;
  for (let k = 0; k < DESCRIPTOR_BYTES; k++) d += POPCOUNT[a[ai + k]! ^ b[bj + k]!]!;
  return d;
}

/** A picture's keypoints in square cells of GUIDED_RADIUS_PX, for guidedMatches (made once per slot). */
export interface KeypointGrid {
  cols: number;
  buckets: Map<number, number[]>;
}

export function keypointGrid(query: LocalFeatures): KeypointGrid {
  const cell = GUIDED_RADIUS_PX;
  const cols = Math.ceil(query.width / cell) + 1;
  const buckets = new Map<number, number[]>();
  for (let j = 0; j < keypointCount(query); j++) {
    const key =
      Math.floor(query.keypoints[2 * j + 1]! / cell) * cols + Math.floor(query.keypoints[2 * j]! / cell);
    const b = buckets.get(key);
    if (b) b.push(j);
    else buckets.set(key, [j]);
  }
  return { cols, buckets };
}

/**
 * Guided matching: each reference keypoint paired with the query keypoint of nearest descriptor
 * among those lying within GUIDED_RADIUS_PX of where `outline` (the reference's corners in the query)
 * puts it. Where a board repeats one chip, its position tells the chips apart that the descriptor
 * cannot: a rough outline from a few matches becomes hundreds.
 */
export function guidedMatches(
  outline: Quad,
  ref: LocalFeatures,
  query: LocalFeatures,
  grid: KeypointGrid = keypointGrid(query),
): GoodMatches {
  const src: number[] = [];
  const dst: number[] = [];
  const cell = GUIDED_RADIUS_PX;
  const { cols, buckets } = grid;
  for (let i = 0; i < keypointCount(ref); i++) {
    const [x, y] = onQuad(outline, ref.keypoints[2 * i]! / ref.width, ref.keypoints[2 * i + 1]! / ref.height);
    if (!(x >= -cell && y >= -cell && x <= query.width + cell && y <= query.height + cell)) continue;
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    let best = -1;
    let bestBits = GUIDED_MAX_BITS + 1;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of buckets.get((cy + dy) * cols + cx + dx) ?? []) {
          const ex = query.keypoints[2 * j]! - x;
          const ey = query.keypoints[2 * j + 1]! - y;
          if (ex * ex + ey * ey > cell * cell) continue;
          const bits = hamming(ref.descriptors, i, query.descriptors, j);
          if (bits < bestBits) [best, bestBits] = [j, bits];
        }
      }
    }
    if (best < 0) continue;
    src.push(ref.keypoints[2 * i]!, ref.keypoints[2 * i + 1]!);
    dst.push(query.keypoints[2 * best]!, query.keypoints[2 * best + 1]!);
  }
  return { src, dst };
}

/** Fewer good matches than this cannot make a homography worth checking. */
export function enoughMatches(m: GoodMatches): boolean {
  return m.src.length / 2 >= MIN_MATCHES;
}

/**
 * OpenCV's RANSAC homography from a reference's good matches; one whose outline no board can have
 * counts 0 inliers.
 */
export function homography(cv: Cv, m: GoodMatches, ref: Pick<LocalFeatures, 'width' | 'height'>): PairMatch {
  const { inliers, outline } = estimate(cv, m, ref);
  return outline ? { inliers, outline } : NO_MATCH;
}

/**
 * Times homographyBesides sets aside the consensus of a homography no board can have and tries the
 * rest of the matches again.
 */
export const SET_ASIDE_ROUNDS = 2;

/**
 * homography, except that a consensus whose outline no board can have is set aside and the rest of
 * the matches tried again (at most SET_ASIDE_ROUNDS times): on a board under per-chip heatsinks the
 * fins repeat, and their matches can outvote the board's own alignment with a folded one. Seen in
 * npm run eval's inspection rows (seed 18's test board 1, a chip-missing view: 280 good matches, a
 * mirrored homography of 81 inliers; the board's other views aligned with 53-81). Only for
 * inspection's alignment of a known board (Verifier.align), not for recognition.
 */
export function homographyBesides(
  cv: Cv,
  m: GoodMatches,
  ref: Pick<LocalFeatures, 'width' | 'height'>,
): PairMatch {
  let rest = m;
  for (let round = 0; round <= SET_ASIDE_ROUNDS; round++) {
    const { inliers, outline, mask } = estimate(cv, rest, ref);
    if (outline) return { inliers, outline };
    if (!mask) return NO_MATCH;
    const src: number[] = [];
    const dst: number[] = [];
    mask.forEach((inlier, i) => {
      if (inlier) return;
      src.push(rest.src[2 * i]!, rest.src[2 * i + 1]!);
      dst.push(rest.dst[2 * i]!, rest.dst[2 * i + 1]!);
    });
    rest = { src, dst };
  }
  return NO_MATCH;
}

/** RANSAC's homography, its inliers (the mask: 1 per match) and its outline, null when implausible. */
function estimate(
  cv: Cv,
  m: GoodMatches,
  ref: Pick<LocalFeatures, 'width' | 'height'>,
): { inliers: number; outline: Quad | null; mask: Uint8Array | null } {
  const n = m.src.length / 2;
  if (n < MIN_MATCHES) return { inliers: 0, outline: null, mask: null };
  const src = cv.matFromArray(n, 1, cv.CV_32FC2, m.src);
  const dst = cv.matFromArray(n, 1, cv.CV_32FC2, m.dst);
  const mask = new cv.Mat();
  let h: Cv = null;
  try {
    h = cv.findHomography(src, dst, cv.RANSAC, RANSAC_PX, mask);
    if (h.empty() || h.rows !== 3) return { inliers: 0, outline: null, mask: null };
    const kept = Uint8Array.from(mask.data.subarray(0, mask.rows) as Uint8Array);
    const inliers = kept.reduce((a, b) => a + (b ? 1 : 0), 0);
    return { inliers, outline: plausibleOutline(h.data64F, ref.width, ref.height), mask: kept };
  } finally {
    src.delete();
    dst.delete();
    mask.delete();
    h?.delete();
  }
}

function descriptorMat(cv: Cv, descriptors: Uint8Array): Cv {
  const m = new cv.Mat(descriptors.byteLength / DESCRIPTOR_BYTES, DESCRIPTOR_BYTES, cv.CV_8U);
  m.data.set(descriptors);
  return m;
}

/** The query's descriptors as a Mat, for matchPair against several references. */
export function queryMatrix(cv: Cv, query: LocalFeatures): Cv {
  return descriptorMat(cv, query.descriptors);
}

function knnMatch(cv: Cv, refs: Uint8Array, queryMat: Cv): NearestTwo {
  const rows = refs.byteLength / DESCRIPTOR_BYTES;
  const refMat = descriptorMat(cv, refs);
  const matcher = new cv.BFMatcher(cv.NORM_HAMMING, false);
  const knn = new cv.DMatchVectorVector();
  const out: NearestTwo = {
    index: new Int32Array(rows),
    distance: new Int32Array(rows).fill(FAR),
    second: new Int32Array(rows).fill(FAR),
  };
  try {
    matcher.knnMatch(refMat, queryMat, knn, 2);
    for (let i = 0; i < knn.size(); i++) {
      const pair = knn.get(i);
      if (pair.size() > 0) {
        const a = pair.get(0);
        out.index[a.queryIdx] = a.trainIdx;
        out.distance[a.queryIdx] = a.distance;
        if (pair.size() > 1) out.second[a.queryIdx] = pair.get(1).distance;
      }
    }
    return out;
  } finally {
    for (const m of [knn, matcher, refMat]) m.delete();
  }
}

/**
 * The reference pipeline the issue measured: opencv.js's brute-force Hamming matcher (2 nearest).
 * Kept for the benchmark's bare-OpenCV rows; the feature worker uses the SIMD kernel.
 */
export function bruteForceNearestTwo(cv: Cv, refs: Uint8Array, query: Uint8Array): NearestTwo {
  const queryMat = descriptorMat(cv, query);
  try {
    return knnMatch(cv, refs, queryMat);
  } finally {
    queryMat.delete();
  }
}

/** One reference matched into a query the bare-OpenCV way: brute force, ratio test, RANSAC. */
export function matchPair(cv: Cv, query: LocalFeatures, queryMat: Cv, ref: LocalFeatures): PairMatch {
  if (keypointCount(ref) < 2 || keypointCount(query) < 2) return NO_MATCH;
  return homography(cv, goodMatches(knnMatch(cv, ref.descriptors, queryMat), 0, ref, query), ref);
}
