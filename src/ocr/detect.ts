import { convexHull, corners, minAreaRect, type RotatedRect, regions, unclip } from './geometry.ts';
import type { Normalisation } from './sample.ts';
import type { Quad } from './types.ts';

/** DB post-processing settings (PaddleOCR's defaults). */
export interface DetectSettings {
  /** Longest side the detector sees; larger images are scaled down to it. */
  limitSide: number;
  /** Shortest side the detector sees; smaller images are scaled up to it (small print), within limitSide. */
  minSide: number;
  /** Probability above which a pixel belongs to text. */
  binThreshold: number;
  /** Mean probability a region needs to count as a text line. */
  boxThreshold: number;
  /** How far the shrunk text core is grown back (DB's unclip ratio). */
  unclipRatio: number;
  /** At most this many regions are looked at. */
  maxCandidates: number;
}

export const DEFAULT_DETECT: DetectSettings = {
  limitSide: 960,
  minSide: 0,
  binThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  maxCandidates: 1000,
};

/** Smallest side (pixels of the probability map) of a text line worth reading. */
const MIN_SIDE = 3;
/**
 * PaddleOCR's detector input: (v / 255 - mean) / std, with ImageNet's RGB statistics applied to its
 * BGR channels in that order, as PaddleOCR does.
 */
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
export const DETECTOR_NORMALISATION: Normalisation = {
  scale: [1 / (255 * DET_STD[0]), 1 / (255 * DET_STD[1]), 1 / (255 * DET_STD[2])],
  shift: [-DET_MEAN[0] / DET_STD[0], -DET_MEAN[1] / DET_STD[1], -DET_MEAN[2] / DET_STD[2]],
};

/**
 * The detector's input size for an image: scaled up to `minSide` and down to `limitSide` (which
 * wins), both sides multiples of 32.
 */
export function detectorSize(
  width: number,
  height: number,
  s: Pick<DetectSettings, 'limitSide' | 'minSide'>,
): [w: number, h: number] {
  const up = Math.max(1, s.minSide / Math.min(width, height));
  const ratio = Math.min(up, s.limitSide / Math.max(width, height));
  const snap = (v: number) => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return [snap(width), snap(height)];
}

export interface DetectedBox {
  /** Corners in pixels of the image the map was computed for, scaled by (scaleX, scaleY). */
  box: Quad;
  /** Mean text probability inside the region. */
  score: number;
}

/**
 * Text lines from DB's probability map: threshold, connected regions, their minimum-area rectangles,
 * grown by the unclip distance and scaled to the source image.
 */
export function boxesFromMap(
  prob: Float32Array,
  width: number,
  height: number,
  settings: DetectSettings,
  scaleX: number,
  scaleY: number,
): DetectedBox[] {
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = prob[i]! > settings.binThreshold ? 1 : 0;
  const found = regions(mask, prob, width, height, MIN_SIDE * MIN_SIDE)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, settings.maxCandidates);
  const out: DetectedBox[] = [];
  for (const region of found) {
    const score = region.score / region.pixels;
    if (score < settings.boxThreshold) continue;
    const rect: RotatedRect = minAreaRect(convexHull(region.outline));
    if (Math.min(rect.width, rect.height) < MIN_SIDE) continue;
    const grown = unclip(rect, settings.unclipRatio);
    if (Math.min(grown.width, grown.height) < MIN_SIDE + 2) continue;
    out.push({ box: corners(grown, scaleX, scaleY), score });
  }
  return out;
}
