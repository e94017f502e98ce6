/**
 * A cable or a thin tool over a board whose grey it shares differs only where it crosses the parts
 * (a black cable over bright heatsinks on a dark blue board): a row of short pieces, each within one
 * part, which no closing joins into one thing over the board. They lie on a line: found by a
 * probabilistic Hough transform of the difference (opencv.js), then drawn into what lies over the board
 * (occluders.ts).
 */
import type { PixelBox } from './opencv-inspect.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
type Cv = any;

/**
 * A line at least LINE_LENGTH median parts' sides long, its pieces at most LINE_GAP of a side apart,
 * crossing at least LINE_PARTS parts with difference on it inside each. A part taken off, burnt or
 * lifted differs over its own square (its diagonal is 1.4 sides) and the glow around it; the edges of
 * a row of parts a pixel off line up along the board's axes, so lines within LINE_AXIS_DEG of them
 * are not taken (a cable lying straight along a row of parts is not found this way). Found in the
 * validation splits of npm run eval's inspection rows (the dev harness, seeds 19-27: black cables over
 * bright parts on dark boards, 5 and 8 chips called differing on good boards), checked on seeds 1-27's.
 */
const LINE_LENGTH = 3;
const LINE_GAP = 1;
const LINE_PARTS = 3;
const LINE_AXIS_DEG = 10;
/** A line found is this share of a side wide over the board. */
const LINE_WIDTH = 0.3;

/** Lines of difference crossing several parts (`side`: the median part's shorter side), drawn (255) into `cover`. */
export function drawCrossingLines(
  cv: Cv,
  mask: Cv,
  boxes: readonly PixelBox[],
  side: number,
  cover: Cv,
): void {
  if (side < 4) return;
  const lines = new cv.Mat();
  try {
    cv.HoughLinesP(mask, lines, 1, Math.PI / 180, Math.round(side), LINE_LENGTH * side, LINE_GAP * side);
    const l = lines.data32S as Int32Array;
    const w = mask.cols as number;
    const m = mask.data as Uint8Array;
    for (let i = 0; i + 3 < l.length; i += 4) {
      const [x1, y1, x2, y2] = [l[i]!, l[i + 1]!, l[i + 2]!, l[i + 3]!];
      const deg = (Math.abs(Math.atan2(y2 - y1, x2 - x1)) * 180) / Math.PI;
      const fromAxis = Math.min(deg % 90, 90 - (deg % 90));
      if (fromAxis < LINE_AXIS_DEG) continue;
      // the parts it crosses with difference on it inside them
      const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1));
      const crossed = new Set<number>();
      for (let s = 0; s <= steps; s++) {
        const x = Math.round(x1 + ((x2 - x1) * s) / steps);
        const y = Math.round(y1 + ((y2 - y1) * s) / steps);
        if (!m[y * w + x]) continue;
        boxes.forEach((b, k) => {
          if (x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height) crossed.add(k);
        });
      }
      if (crossed.size < LINE_PARTS) continue;
      const thick = Math.max(3, Math.round(LINE_WIDTH * side));
      cv.line(cover, new cv.Point(x1, y1), new cv.Point(x2, y2), new cv.Scalar(255), thick);
    }
  } finally {
    lines.delete();
  }
}
