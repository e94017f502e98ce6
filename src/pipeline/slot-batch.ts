import type { Rect } from '../config/schema.ts';
import type { ModelManifest } from '../vision/manifest.ts';
import { preprocess, type RawImage } from '../vision/preprocess.ts';

/**
 * Every slot's model input from the frame's one decode, one after another in `batch` (a new array
 * when the slot count or the input size changed); returns the batch filled.
 */
export async function preprocessSlots(
  raw: RawImage,
  manifest: ModelManifest,
  inputSize: readonly [number, number],
  regions: readonly Rect[],
  batch: Float32Array<ArrayBuffer>,
): Promise<Float32Array<ArrayBuffer>> {
  const length = 3 * inputSize[0] * inputSize[1];
  const out = batch.length === regions.length * length ? batch : new Float32Array(regions.length * length);
  for (let i = 0; i < regions.length; i++) {
    await preprocess(raw, manifest, { region: regions[i]!, out, offset: i * length });
  }
  return out;
}
