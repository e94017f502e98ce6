import sharp from 'sharp';
import type { Rect } from '../config/schema.ts';
import { decodeImage, isRawImage, type PixelRect, type RawImage, regionToPixels } from './image.ts';
import { inputSize, type ModelManifest } from './manifest.ts';
import type { PilFilter } from './pil-resample.ts';
import { jsResampler, type Normalization, type Resampler, type TensorTarget } from './resampler.ts';
import { WasmResampler } from './wasm-resampler.ts';

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
  /** For pil-* resampling: default WebAssembly SIMD where the runtime has it (see resamplerKind). */
  resampler?: Resampler;
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
const normalizations = new WeakMap<PreprocessSpec, Normalization>();

export function normalization(p: PreprocessSpec): Normalization {
  let n = normalizations.get(p);
  if (!n) {
    const f = Math.fround;
    n = { mean: p.mean.map((m) => f(m / p.rescale)), std: p.std.map((s) => f(s / p.rescale)) };
    normalizations.set(p, n);
  }
  return n;
}

/** The normalisation as a table: value c * 256 + v (for the sharp-resampled path). */
const normalizeTables = new WeakMap<PreprocessSpec, Float32Array>();

function normalizeTable(p: PreprocessSpec): Float32Array {
  let table = normalizeTables.get(p);
  if (table) return table;
  table = new Float32Array(3 * 256);
  const { mean, std } = normalization(p);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = f(f(v - mean[c]!) / std[c]!);
  }
  normalizeTables.set(p, table);
  return table;
}

/**
 * The Pillow-exact resampler: WebAssembly SIMD where the runtime has it, else JavaScript. Made on
 * first use and kept (its memory is reused frame after frame); resizing is synchronous, so calls
 * never interleave.
 */
let pilResampler: Resampler | undefined;

function resampler(): Resampler {
  pilResampler ??= WasmResampler.create() ?? jsResampler;
  return pilResampler;
}

/** What preprocessing resamples with here: WebAssembly SIMD, or JavaScript where the runtime lacks it. */
export function resamplerKind(): 'webassembly-simd' | 'javascript' {
  return resampler() === jsResampler ? 'javascript' : 'webassembly-simd';
}

type Resampling =
  | { kind: 'pil'; filter: PilFilter; simd: boolean }
  | { kind: 'sharp'; kernel: 'nearest' | 'cubic' | 'lanczos3' };

const RESAMPLINGS: Record<PreprocessSpec['resample'], Resampling> = {
  'pil-bicubic': { kind: 'pil', filter: 'bicubic', simd: false },
  'pil-bilinear': { kind: 'pil', filter: 'bilinear', simd: false },
  'pil-simd-bicubic': { kind: 'pil', filter: 'bicubic', simd: true },
  'pil-simd-bilinear': { kind: 'pil', filter: 'bilinear', simd: true },
  nearest: { kind: 'sharp', kernel: 'nearest' },
  'sharp-cubic': { kind: 'sharp', kernel: 'cubic' },
  'sharp-lanczos3': { kind: 'sharp', kernel: 'lanczos3' },
};

/** sharp's resize of `rect` to width x height, then the pixels of `win` normalised into `target`. */
async function resizeWithSharp(
  raw: RawImage,
  rect: PixelRect,
  width: number,
  height: number,
  win: PixelRect,
  kernel: 'nearest' | 'cubic' | 'lanczos3',
  p: PreprocessSpec,
  target: TensorTarget,
): Promise<void> {
  let pipeline = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } });
  if (rect.width !== raw.width || rect.height !== raw.height) pipeline = pipeline.extract(rect);
  const pixels = await pipeline.resize(width, height, { fit: 'fill', kernel }).extract(win).raw().toBuffer();
  const table = normalizeTable(p);
  const plane = target.width * target.height;
  for (let c = 0; c < 3; c++) {
    const base = target.offset + c * plane + target.top * target.width + target.left;
    for (let y = 0; y < win.height; y++) {
      const row = base + y * target.width;
      for (let x = 0, s = y * win.width * 3 + c; x < win.width; x++, s += 3) {
        target.out[row + x] = table[c * 256 + pixels[s]!]!;
      }
    }
  }
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
  let win: PixelRect;
  let target: TensorTarget;
  if (p.resize.mode === 'letterbox') {
    // The resized image, centred; the bars hold the mean (0 once normalised).
    out.fill(0, offset, offset + 3 * plane);
    win = { left: 0, top: 0, width, height };
    target = {
      out,
      offset,
      width: outW,
      height: outH,
      left: cropStart(outW, width),
      top: cropStart(outH, height),
    };
  } else {
    win = { left: cropStart(width, outW), top: cropStart(height, outH), width: outW, height: outH };
    target = { out, offset, width: outW, height: outH, left: 0, top: 0 };
  }
  const resampling = RESAMPLINGS[p.resample];
  if (resampling.kind === 'sharp') {
    await resizeWithSharp(raw, rect, width, height, win, resampling.kernel, p, target);
    return out;
  }
  const stride = raw.width * 3;
  const view = {
    data: raw.data,
    width: rect.width,
    height: rect.height,
    offset: rect.top * stride + rect.left * 3,
    stride,
  };
  (opts.resampler ?? resampler()).resize(
    view,
    width,
    height,
    resampling.filter,
    resampling.simd,
    win,
    normalization(p),
    target,
  );
  return out;
}
