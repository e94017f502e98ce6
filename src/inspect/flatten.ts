/**
 * Pictures with their slow changes of light taken out, so that two pictures of one board under
 * different light compare (runs in the feature worker, with opencv.js).
 */
import { type Cv, stats } from './cv-helpers.ts';

/** The light is estimated over a window this share of the picture's long side. */
const WINDOW_SHARE = 1 / 24;
/**
 * What lies over the board is left out of the light's estimate this many pixels beyond its edge
 * (the comparison's smoothing spreads its edge that far, see COMPARE_SMOOTH_PX in opencv-inspect.ts).
 */
const OVER_MARGIN = 9;
/** Where less than this share of the window shows the board, the light is estimated over all of it. */
const MIN_SEEN = 0.1;

/** The light's window (odd, pixels) for a picture of this size. */
export function lightWindow(cols: number, rows: number): number {
  return 2 * Math.round(Math.max(cols, rows) * WINDOW_SHARE) + 1;
}

/**
 * A grey picture minus a blur wider than a chip's surroundings, scaled to unit spread. With `over`
 * (255 where a hand, a tool or a cable lies over the board, in the same frame), the light and the
 * spread are estimated on the board seen around it only: a bright screwdriver's shaft or a black
 * cable otherwise moves the light taken out of the chips beside it, which then differ from their
 * reference while they are there (seed 19's test split of npm run eval --only-inspection: 15 chips
 * beside tools called differing in five good views, correlating 0.86-1.00 with their reference).
 */
export function flattened(cv: Cv, gray: Cv, over?: Cv): Cv {
  const f = new cv.Mat();
  const bg = new cv.Mat();
  const mats: Cv[] = [];
  try {
    gray.convertTo(f, cv.CV_32F);
    const k = lightWindow(gray.cols, gray.rows);
    const size = new cv.Size(k, k);
    const anchor = new cv.Point(-1, -1);
    // a box filter costs the same whatever its size (a Gaussian this wide is ten times slower)
    cv.blur(f, bg, size, anchor, cv.BORDER_REPLICATE);
    let seen: Cv | undefined;
    if (over) {
      seen = new cv.Mat();
      const widen = cv.getStructuringElement(
        cv.MORPH_RECT,
        new cv.Size(2 * OVER_MARGIN + 1, 2 * OVER_MARGIN + 1),
      );
      const seen32 = new cv.Mat();
      const fSeen = new cv.Mat();
      const sumSeen = new cv.Mat();
      const share = new cv.Mat();
      mats.push(seen, widen, seen32, fSeen, sumSeen, share);
      cv.dilate(over, seen, widen);
      cv.bitwise_not(seen, seen);
      seen.convertTo(seen32, cv.CV_32F, 1 / 255, 0);
      cv.multiply(f, seen32, fSeen);
      cv.blur(fSeen, sumSeen, size, anchor, cv.BORDER_REPLICATE);
      cv.blur(seen32, share, size, anchor, cv.BORDER_REPLICATE);
      const out = bg.data32F as Float32Array;
      const sum = sumSeen.data32F as Float32Array;
      const sh = share.data32F as Float32Array;
      for (let i = 0; i < out.length; i++) if (sh[i]! >= MIN_SEEN) out[i] = sum[i]! / sh[i]!;
      if (cv.countNonZero(seen) === 0) seen = undefined;
    }
    cv.subtract(f, bg, f);
    const std = seen ? maskedStd(cv, f, seen) : stats(cv, f).std;
    f.convertTo(f, cv.CV_32F, 1 / Math.max(1, std), 0);
    return f;
  } finally {
    bg.delete();
    for (const m of mats) m.delete();
  }
}

function maskedStd(cv: Cv, m: Cv, mask: Cv): number {
  const mean = new cv.Mat();
  const std = new cv.Mat();
  try {
    cv.meanStdDev(m, mean, std, mask);
    return std.data64F[0];
  } finally {
    mean.delete();
    std.delete();
  }
}
