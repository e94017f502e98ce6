/**
 * Chip detection for an inspection map (runs in the feature worker): every chip like a marked one on a
 * reference, by template matching and non-maximum suppression.
 */
import type { RawImage } from '../vision/image.ts';
import { type Cv, resized, rgbOf } from './cv-helpers.ts';
import type { PixelBox } from './opencv-inspect.ts';
import type { FoundBox } from './regions.ts';

/** Chip detection works on the reference scaled to this long side (chips stay tens of pixels). */
const DETECT_LONG_SIDE = 1600;
/** A place matching the marked chip at least this well (normalised cross-correlation) is a chip. */
export const CHIP_MATCH_MIN = 0.7;
/** Around a chip found, no other is looked for closer than this share of its size. */
const NMS_OVERLAP = 0.7;
/** The marked chip must be at least this many pixels a side at the detection scale. */
const MIN_TEMPLATE_PX = 4;
/**
 * The marked chip is one picture of the chip, with its own glare, noise and place to the pixel: in a
 * photograph the other chips can match it less well than they match one another. When the places it
 * matches are fewer than the board's chip count, they are averaged into a template of what the chips
 * have in common and the reference is matched again with it, the places matching that at least
 * REFINE_MIN averaged in the next round, for at most REFINE_ROUNDS rounds (or until the places stop
 * changing); the chips are the places matching the last template at least CHIP_MATCH_MIN, kept when
 * their number lies closer to the chip count than the marked chip's. On a photograph of an Ember One
 * hashboard (test/inspect/real-photos.test.ts: 12 chips in perspective, 30 pixels across) the marked
 * chip alone matched 5 of them (the others 0.48-0.70, under places off a chip at 0.50); the chips
 * averaged, all 12 (0.72-0.85, the best place off a chip 0.51). Not when the count is met or unknown:
 * on renders whose chips the marked one finds (the Ember One and EKO renders) an average of chips
 * also matches places off a chip, where the marked chip does not.
 */
export const REFINE_MIN = 0.6;
const REFINE_ROUNDS = 3;
const REFINE_FROM = 2;

/** Place of a template's top-left corner on the correlation map and how well it matched. */
interface Peak {
  x: number;
  y: number;
  score: number;
}

/**
 * The correlation map's peaks from `min`, best first, the area one template around each blanked out
 * (on the map itself: it is spent).
 */
function peaks(cv: Cv, map: Cv, tw: number, th: number, min: number, max: number): Peak[] {
  const rx = Math.max(1, Math.round(tw * NMS_OVERLAP));
  const ry = Math.max(1, Math.round(th * NMS_OVERLAP));
  const out: Peak[] = [];
  while (out.length < max) {
    const { maxVal, maxLoc } = cv.minMaxLoc(map);
    if (!(maxVal >= min)) break;
    out.push({ x: maxLoc.x, y: maxLoc.y, score: maxVal });
    const x0 = Math.max(0, maxLoc.x - rx);
    const y0 = Math.max(0, maxLoc.y - ry);
    const x1 = Math.min(map.cols, maxLoc.x + rx + 1);
    const y1 = Math.min(map.rows, maxLoc.y + ry + 1);
    const blank = map.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0));
    blank.setTo(new cv.Scalar(-1));
    blank.delete();
  }
  return out;
}

/** The mean of the image's patches at `places`, a template of what they have in common (the caller deletes it). */
function averaged(cv: Cv, image: Cv, places: readonly Peak[], tw: number, th: number): Cv {
  const sum = new cv.Mat(th, tw, cv.CV_32FC3, new cv.Scalar(0, 0, 0));
  const patch = new cv.Mat();
  try {
    for (const p of places) {
      const roi = image.roi(new cv.Rect(p.x, p.y, tw, th));
      roi.convertTo(patch, cv.CV_32FC3);
      roi.delete();
      cv.add(sum, patch, sum);
    }
    const out = new cv.Mat();
    sum.convertTo(out, cv.CV_8UC3, 1 / places.length);
    return out;
  } finally {
    sum.delete();
    patch.delete();
  }
}

const sameSet = (a: readonly Peak[], b: readonly Peak[]) =>
  a.length === b.length && a.every((p) => b.some((q) => q.x === p.x && q.y === p.y));

/**
 * Every place on the reference that looks like the marked box, best first suppressed around:
 * OpenCV's normalised cross-correlation map, then its highest peak taken again and again with the
 * area one chip around it blanked out; then, when that falls short of the chip count `expected`,
 * again with the chips found averaged (REFINE_MIN). Boxes in the reference's pixels.
 *
 * The correlation is taken over the three colour channels, not the grey level: a yellow pad strip
 * or a gold-plated area beside grey chips can share their grey pattern but not their colour. On
 * the Ember One render (test/inspect/real-photos.test.ts) grey matching proposed 14 places for its
 * 12 chips, 5 of them off a chip; colour finds the 12. The synthetic held-out boards' maps stay
 * exact (40 + 40 of 40 with the count and lattice priors, as in grey).
 */
export function detectChips(
  cv: Cv,
  ref: RawImage,
  marked: PixelBox,
  maxBoxes: number,
  expected: number | null = null,
): FoundBox[] {
  const scale = Math.min(1, DETECT_LONG_SIDE / Math.max(ref.width, ref.height));
  const w = Math.max(1, Math.round(ref.width * scale));
  const h = Math.max(1, Math.round(ref.height * scale));
  const tw = Math.round(marked.width * scale);
  const th = Math.round(marked.height * scale);
  if (tw < MIN_TEMPLATE_PX || th < MIN_TEMPLATE_PX || tw >= w || th >= h) return [];
  const full = rgbOf(cv, ref);
  const image = scale < 1 ? resized(cv, full, w, h) : full;
  const tx = Math.min(w - tw, Math.max(0, Math.round(marked.x * scale)));
  const ty = Math.min(h - th, Math.max(0, Math.round(marked.y * scale)));
  const result = new cv.Mat();
  const none = new cv.Mat();
  // the places matching `templ` from REFINE_MIN, best first (greedy suppression keeps those from
  // CHIP_MATCH_MIN the same as a search from there would)
  const matched = (templ: Cv) => {
    cv.matchTemplate(image, templ, result, cv.TM_CCOEFF_NORMED, none);
    return peaks(cv, result, tw, th, Math.min(REFINE_MIN, CHIP_MATCH_MIN), maxBoxes);
  };
  const chips = (ps: Peak[]) => ps.filter((p) => p.score >= CHIP_MATCH_MIN);
  try {
    const first = image.roi(new cv.Rect(tx, ty, tw, th));
    let found = chips(matched(first));
    first.delete();
    const short = (n: number) => (expected === null ? 0 : Math.abs(expected - n));
    const alone = found;
    let places = found;
    for (let round = 0; expected !== null && alone.length < expected && round < REFINE_ROUNDS; round++) {
      if (places.length < REFINE_FROM) break;
      const templ = averaged(cv, image, places, tw, th);
      const next = matched(templ);
      templ.delete();
      found = chips(next);
      if (sameSet(next, places)) break;
      places = next;
    }
    if (short(found.length) >= short(alone.length)) found = alone;
    return found.map((p) => ({
      x: p.x / scale,
      y: p.y / scale,
      width: tw / scale,
      height: th / scale,
      score: p.score,
    }));
  } finally {
    for (const m of [result, none, image]) m.delete();
    if (image !== full) full.delete();
  }
}
