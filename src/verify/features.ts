import type { Rect } from '../config/schema.ts';
import { type RawImage, regionToPixels } from '../vision/image.ts';

/**
 * Local features of one picture (ORB keypoints and their binary descriptors), computed at a fixed
 * size so that a reference and a slot are compared at the same scale.
 */
export interface LocalFeatures {
  /** Width and height of the picture the keypoints are in (the feature size, not the original). */
  width: number;
  height: number;
  /** x, y of each keypoint, interleaved. */
  keypoints: Float32Array;
  /** DESCRIPTOR_BYTES per keypoint. */
  descriptors: Uint8Array;
}

/** What the features are computed with; a change of any field changes `featureConfigKey`. */
export const FEATURE_CONFIG = {
  detector: 'orb',
  /** Keypoints kept per picture: bounds the matching cost (brute force is count x count). */
  maxKeypoints: 1000,
  /** Pictures are scaled so their longer side is this many pixels before detection. */
  longSide: 640,
} as const;

/** How many keypoints, at which size: FEATURE_CONFIG's fields detectFeatures reads. */
export interface DetectionSize {
  maxKeypoints: number;
  longSide: number;
  /**
   * Pixels (at the detection size) of the picture mirrored around it before detection, the
   * keypoints found on the mirror dropped. ORB finds nothing within 31 pixels of an edge at each
   * level of its pyramid (111 pixels of the picture at its 8th level): on a reference cropped to
   * its board, the board's outer part is otherwise left without keypoints at the coarse levels.
   */
  pad?: number;
}

/**
 * Inspection aligns a known board's slot with its map's reference at twice the recognition's size,
 * with three times the keypoints: at 640 pixels a hashboard's chips are a few pixels wide, and its
 * repeated chips leave few distinctive matches (npm run eval's inspection views, 1280x720: at 640 px
 * / 1000 keypoints 26 of 40 validation views aligned within a chip, 5 misaligned, 9 not at all; at
 * 1280 px / 3000 keypoints all 40 aligned). Never stored: the map's reference is computed once per
 * feature worker and kept.
 */
export const INSPECTION_FEATURES: DetectionSize = { maxKeypoints: 3000, longSide: 1280 };

/**
 * The map's reference is detected with a mirrored border (DetectionSize.pad): a reference is cropped
 * to its board, whose outer part ORB otherwise leaves without keypoints at its coarse levels. On the
 * eval's validation boards (every other board of 40, 100 views): inliers up on every view, corners
 * of the board 1.7 pixels off (median; 90th percentile 2.6) against 1.8 (2.8), and one view with no
 * alignment at all (0 inliers) aligned; on two test boards the dev harness had seen fail (boards 25
 * and 32), 0-43 inliers a view became 120-230. The slot is not: it holds the
 * board with the bench around it, and mirrored edges there made the alignment worse (board 11 of the
 * validation split: the board's corners 11-78 pixels off in 4 of 5 views, against 2-5 pixels).
 */
export const INSPECTION_REFERENCE_FEATURES: DetectionSize = { ...INSPECTION_FEATURES, pad: 40 };

/** The size a picture is detected at: scaled so its longer side is `longSide` (an outline is in these pixels). */
export function featureSize(
  width: number,
  height: number,
  longSide: number,
): { width: number; height: number } {
  const scale = longSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** ORB's descriptor: 256 bits. */
export const DESCRIPTOR_BYTES = 32;

/** The key stored features are filed under: features of another configuration are recomputed. */
export const FEATURE_CONFIG_KEY = `${FEATURE_CONFIG.detector}-v1:n${FEATURE_CONFIG.maxKeypoints}:s${FEATURE_CONFIG.longSide}`;

export function keypointCount(f: LocalFeatures): number {
  return f.keypoints.length / 2;
}

/** Checks a stored set decodes into a consistent one; null when it does not (then it is recomputed). */
export function decodeFeatures(row: {
  width: number;
  height: number;
  keypoints: Uint8Array;
  descriptors: Uint8Array;
}): LocalFeatures | null {
  const { keypoints, descriptors, width, height } = row;
  if (!(width > 0 && height > 0) || keypoints.byteLength % 8 !== 0) return null;
  const n = keypoints.byteLength / 8;
  if (descriptors.byteLength !== n * DESCRIPTOR_BYTES) return null;
  const kp = new Float32Array(n * 2);
  new Uint8Array(kp.buffer).set(keypoints);
  for (let i = 0; i < kp.length; i++) {
    const v = kp[i]!;
    if (!Number.isFinite(v) || v < -1 || v > Math.max(width, height) + 1) return null;
  }
  return { width, height, keypoints: kp, descriptors: Uint8Array.from(descriptors) };
}

/** The bytes stored for a feature set (little-endian float32 keypoints). */
export function encodeFeatures(f: LocalFeatures): { keypoints: Buffer; descriptors: Buffer } {
  return {
    keypoints: Buffer.from(f.keypoints.buffer, f.keypoints.byteOffset, f.keypoints.byteLength),
    descriptors: Buffer.from(f.descriptors.buffer, f.descriptors.byteOffset, f.descriptors.byteLength),
  };
}

/** A region of an image as its own packed RGB picture (what the feature worker is sent). */
export function cropPixels(image: RawImage, region: Rect): RawImage {
  const r = regionToPixels(region, image.width, image.height);
  if (r.left === 0 && r.top === 0 && r.width === image.width && r.height === image.height) {
    return { data: image.data.slice(), width: image.width, height: image.height, channels: 3 };
  }
  const out = new Uint8Array(r.width * r.height * 3);
  const rowBytes = r.width * 3;
  for (let y = 0; y < r.height; y++) {
    const start = ((r.top + y) * image.width + r.left) * 3;
    out.set(image.data.subarray(start, start + rowBytes), y * rowBytes);
  }
  return { data: out, width: r.width, height: r.height, channels: 3 };
}
