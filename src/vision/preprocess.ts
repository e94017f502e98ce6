import sharp from 'sharp';
import type { Rect } from '../config/schema.ts';
import { decodeImage, isRawImage, type PixelRect, type RawImage, regionToPixels } from './image.ts';
import { inputSize, type ModelManifest } from './manifest.ts';
import { type PilFilter, resizePil } from './pil-resample.ts';

export { cropJpeg, decodeImage, type Jpeg, type RawImage, regionToPixels } from './image.ts';

type PreprocessSpec = ModelManifest['preprocess'];

export interface PreprocessOptions {
  /** Part of the image to use, as fractions of it (a bench slot); omitted: the whole image. */
  region?: Rect;
  /** Write the CHW tensor here, at `offset`, instead of into a new array (fills a batch in place). */
  out?: Float32Array;
  offset?: number;
  /** Pixel limit when `image` is still encoded (see decodeImage). */
  maxPixels?: number;
}

/**
 * Size after the manifest's resize, [width, height]. shortestEdge follows Hugging Face's
 * get_resize_output_image_size: the short side becomes `size`, the long side int(size * long / short)
 * (640x480 at 256 -> 341x256). letterbox: the largest size with the image's aspect ratio (rounded)
 * that fits (1280x720 in 320x240 -> 320x180).
 */
export function resizedSize(
  width: number,
  height: number,
  resize: PreprocessSpec['resize'],
): [number, number] {
  if (resize.mode === 'exact') return [resize.width, resize.height];
  if (resize.mode === 'letterbox') {
    const scale = Math.min(resize.width / width, resize.height / height);
    return [
      Math.min(resize.width, Math.max(1, Math.round(width * scale))),
      Math.min(resize.height, Math.max(1, Math.round(height * scale))),
    ];
  }
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.trunc((resize.size * long) / short);
  return width <= height ? [resize.size, newLong] : [newLong, resize.size];
}

/**
 * Where the centre crop starts, as Hugging Face's center_crop computes it: (size - crop) // 2.
 * (torchvision rounds instead: 455 -> 224 starts at 116 there, 115 here.)
 */
export function cropStart(size: number, crop: number): number {
  return Math.floor((size - crop) / 2);
}

/**
 * uint8 -> normalised float per channel, computed as the reference pipeline does: rescale folded
 * into mean and std, (v - float32(mean / rescale)) / float32(std / rescale) in float32, so tensors
 * match it bit for bit. (Rescaling first, then normalising, differs by at most one float32 ulp.)
 */
const normalizeTables = new WeakMap<PreprocessSpec, Float32Array>();

function normalizeTable(p: PreprocessSpec): Float32Array {
  let table = normalizeTables.get(p);
  if (table) return table;
  table = new Float32Array(3 * 256);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    const mean = f(p.mean[c]! / p.rescale);
    const std = f(p.std[c]! / p.rescale);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = f(f(v - mean) / std);
  }
  normalizeTables.set(p, table);
  return table;
}

type Resampler =
  | { kind: 'pil'; filter: PilFilter; simd: boolean }
  | { kind: 'sharp'; kernel: 'nearest' | 'cubic' | 'lanczos3' };

const RESAMPLERS: Record<PreprocessSpec['resample'], Resampler> = {
  'pil-bicubic': { kind: 'pil', filter: 'bicubic', simd: false },
  'pil-bilinear': { kind: 'pil', filter: 'bilinear', simd: false },
  'pil-simd-bicubic': { kind: 'pil', filter: 'bicubic', simd: true },
  'pil-simd-bilinear': { kind: 'pil', filter: 'bilinear', simd: true },
  nearest: { kind: 'sharp', kernel: 'nearest' },
  'sharp-cubic': { kind: 'sharp', kernel: 'cubic' },
  'sharp-lanczos3': { kind: 'sharp', kernel: 'lanczos3' },
};

/** The resized pixels inside `win`, row-major RGB (win.width x win.height x 3). */
async function resizeWindow(
  raw: RawImage,
  rect: PixelRect,
  width: number,
  height: number,
  win: PixelRect,
  p: PreprocessSpec,
): Promise<Uint8Array> {
  const resampler = RESAMPLERS[p.resample];
  if (resampler.kind === 'pil') {
    const stride = raw.width * 3;
    const offset = rect.top * stride + rect.left * 3;
    const view = { data: raw.data, width: rect.width, height: rect.height, offset, stride };
    return resizePil(view, width, height, resampler.filter, { simd: resampler.simd, window: win });
  }
  let pipeline = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } });
  if (rect.width !== raw.width || rect.height !== raw.height) pipeline = pipeline.extract(rect);
  return pipeline
    .resize(width, height, { fit: 'fill', kernel: resampler.kernel })
    .extract(win)
    .raw()
    .toBuffer();
}

/**
 * The model input for one image: decode (upright RGB), optional region crop, resize, centre crop,
 * rescale, normalise, CHW float32, all as the manifest says. Returns `out` (filled at `offset`)
 * when given, else a new array of 3 x height x width.
 */
export async function preprocess(
  image: Buffer | RawImage,
  manifest: ModelManifest,
  opts: PreprocessOptions = {},
): Promise<Float32Array> {
  const p = manifest.preprocess;
  const [outH, outW] = inputSize(manifest);
  const plane = outH * outW;
  const offset = opts.offset ?? 0;
  const out = opts.out ?? new Float32Array(3 * plane);
  if (offset < 0 || offset + 3 * plane > out.length) {
    throw new RangeError(
      `preprocess: out has ${out.length} floats, needs ${offset + 3 * plane} (offset ${offset})`,
    );
  }
  const raw = isRawImage(image) ? image : await decodeImage(image, { maxPixels: opts.maxPixels });
  const rect = opts.region
    ? regionToPixels(opts.region, raw.width, raw.height)
    : { left: 0, top: 0, width: raw.width, height: raw.height };
  const [width, height] = resizedSize(rect.width, rect.height, p.resize);
  const table = normalizeTable(p);
  if (p.resize.mode === 'letterbox') {
    // The resized image, centred; the bars hold the mean (0 once normalised).
    const pixels = await resizeWindow(raw, rect, width, height, { left: 0, top: 0, width, height }, p);
    const left = cropStart(outW, width);
    const top = cropStart(outH, height);
    out.fill(0, offset, offset + 3 * plane);
    for (let c = 0; c < 3; c++) {
      const t = c * 256;
      for (let y = 0; y < height; y++) {
        const row = offset + c * plane + (top + y) * outW + left;
        for (let x = 0, s = y * width * 3 + c; x < width; x++, s += 3) out[row + x] = table[t + pixels[s]!]!;
      }
    }
    return out;
  }
  const win = { left: cropStart(width, outW), top: cropStart(height, outH), width: outW, height: outH };
  const pixels = await resizeWindow(raw, rect, width, height, win, p);
  for (let c = 0; c < 3; c++) {
    const base = offset + c * plane;
    const t = c * 256;
    for (let i = 0, s = c; i < plane; i++, s += 3) out[base + i] = table[t + pixels[s]!]!;
  }
  return out;
}
