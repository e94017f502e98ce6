import type { Rect } from '../config/schema.ts';
import { regionToPixels } from './image.ts';
import type { ModelManifest } from './manifest.ts';
import { resizedSize } from './preprocess.ts';

/**
 * The reduction worth decoding at: sharp decodes a JPEG at 1/4 (libjpeg's DCT scaling) when asked
 * for 5x or more, then reduces the rest (cubic). From 3x it decodes at 1/2, where that reduce step
 * costs what the smaller decode saves (2026-11-30: 1280x720 and 1920x1080 frames decode no faster at
 * 1/3; 1/5 costs a fifth to two fifths of a 3840x2160 full decode + preprocess). Exactly 1/5, never
 * more: a further reduction saves little and moves the embedding more (the bundled model, 4K bench
 * frames: cosine to the full decode at least 0.9995 at 1/5, 0.9973 at 1/6), and libjpeg's 1/8
 * keeps only each 8x8 block's mean (the test ViT, 1280x720 frames at 1/9: 0.995; at 1/5: 0.99996).
 */
export const REDUCTION = 5;
/** Every slot keeps at least this many times the model's resize, for its filter to work on. */
export const REDUCED_DECODE_MARGIN = 1.5;

/**
 * By how much to reduce a width x height JPEG frame when decoding it for `manifest`, whose bench
 * slots are `regions`: REDUCTION where that leaves every slot REDUCED_DECODE_MARGIN times the
 * model's resize and the manifest allows it (reducedDecode); else 1 (full size).
 */
export function decodeReduction(
  width: number,
  height: number,
  regions: readonly Rect[],
  manifest: ModelManifest,
): number {
  const p = manifest.preprocess;
  if (!p.reducedDecode || regions.length === 0) return 1;
  let room = Number.POSITIVE_INFINITY;
  for (const region of regions) {
    const rect = regionToPixels(region, width, height);
    const [w, h] = resizedSize(rect.width, rect.height, p.resize);
    room = Math.min(room, rect.width / w, rect.height / h);
  }
  return room >= REDUCTION * REDUCED_DECODE_MARGIN ? REDUCTION : 1;
}
