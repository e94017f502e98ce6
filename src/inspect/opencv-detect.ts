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
 * Every place on the reference that looks like the marked box, best first suppressed around:
 * OpenCV's normalised cross-correlation map, then its highest peak taken again and again with the
 * area one chip around it blanked out. Boxes in the reference's pixels.
 *
 * The correlation is taken over the three colour channels, not the grey level: a yellow pad strip
 * or a gold-plated area beside grey chips can share their grey pattern but not their colour. On
 * the Ember One render (test/inspect/real-photos.test.ts) grey matching proposed 14 places for its
 * 12 chips, 5 of them off a chip; colour finds the 12. The synthetic held-out boards' maps stay
 * exact (40 + 40 of 40 with the count and lattice priors, as in grey).
 */
export function detectChips(cv: Cv, ref: RawImage, marked: PixelBox, maxBoxes: number): FoundBox[] {
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
  const templ = image.roi(new cv.Rect(tx, ty, tw, th));
  const result = new cv.Mat();
  const none = new cv.Mat();
  const found: FoundBox[] = [];
  try {
    cv.matchTemplate(image, templ, result, cv.TM_CCOEFF_NORMED, none);
    const rx = Math.max(1, Math.round(tw * NMS_OVERLAP));
    const ry = Math.max(1, Math.round(th * NMS_OVERLAP));
    while (found.length < maxBoxes) {
      const { maxVal, maxLoc } = cv.minMaxLoc(result);
      if (!(maxVal >= CHIP_MATCH_MIN)) break;
      found.push({
        x: maxLoc.x / scale,
        y: maxLoc.y / scale,
        width: tw / scale,
        height: th / scale,
        score: maxVal,
      });
      const x0 = Math.max(0, maxLoc.x - rx);
      const y0 = Math.max(0, maxLoc.y - ry);
      const x1 = Math.min(result.cols, maxLoc.x + rx + 1);
      const y1 = Math.min(result.rows, maxLoc.y + ry + 1);
      const blank = result.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0));
      blank.setTo(new cv.Scalar(-1));
      blank.delete();
    }
    return found;
  } finally {
    for (const m of [templ, result, none, image]) m.delete();
    if (image !== full) full.delete();
  }
}
