/**
 * Pillow's `Image.resize` for 8-bit RGB, reproduced bit for bit (Pillow's src/libImaging/Resample.c):
 * separable convolution, horizontal pass first into an 8-bit intermediate, then vertical; filter
 * support widened by the scale when downscaling; weights normalised, then rounded to 22-bit fixed
 * point; every pass rounds and clips to 0..255. Python reference pipelines (Hugging Face image
 * processors) resize with Pillow, so an embedding only matches theirs when these pixels do.
 * `simd: true` gives Pillow-SIMD's variant of the same algorithm (see ResizeOptions).
 */

export type PilFilter = 'bicubic' | 'bilinear';

/** An RGB image, or a rectangle of one: pixel (x, y) starts at `offset + y * stride + x * 3`. */
export interface RgbView {
  data: Uint8Array;
  width: number;
  height: number;
  offset: number;
  stride: number;
}

export interface Coefficients {
  /** Taps per output pixel (the stride of `weights`). */
  ksize: number;
  /** Per output pixel: first input index, number of taps. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` per output pixel. */
  weights: Int32Array;
  /** Fraction bits of `weights`. */
  bits: number;
}

/** Pillow: 32 bits minus 8 for the result and 2 for overshoot. */
const PILLOW_BITS = 32 - 8 - 2;
/** Pillow-SIMD keeps weights within 16-bit signed integers. */
const SIMD_MAX_BITS = 15;

const FILTERS: Record<PilFilter, { support: number; fn: (x: number) => number }> = {
  bilinear: {
    support: 1,
    fn: (x) => {
      const ax = x < 0 ? -x : x;
      return ax < 1 ? 1 - ax : 0;
    },
  },
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      const ax = x < 0 ? -x : x;
      if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
      return 0;
    },
  },
};

/**
 * Weights depend only on (filter, precision, input size, output size); a camera delivers one size,
 * so a small cache makes them a one-time cost. Bounded because uploads can be any size.
 */
const coefficientCache = new Map<string, Coefficients>();
const COEFFICIENT_CACHE_MAX = 64;

export function coefficients(
  filter: PilFilter,
  simd: boolean,
  inSize: number,
  outSize: number,
): Coefficients {
  const key = `${filter}:${simd}:${inSize}:${outSize}`;
  const cached = coefficientCache.get(key);
  if (cached) return cached;
  const { support: baseSupport, fn } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const normalized = new Float64Array(outSize * ksize);
  let maxWeight = 0;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k = xx * ksize;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      const w = fn((x + xmin - center + 0.5) * ss);
      normalized[k + x] = w;
      sum += w;
    }
    for (let x = 0; x < count; x++) {
      if (sum !== 0) normalized[k + x]! /= sum;
      if (normalized[k + x]! > maxWeight) maxWeight = normalized[k + x]!;
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = count;
  }
  let bits = PILLOW_BITS;
  if (simd) {
    // Pillow-SIMD: the most fraction bits for which the largest weight still fits 15 bits.
    for (bits = 0; bits < PILLOW_BITS; bits++) {
      if (Math.trunc(0.5 + maxWeight * 2 ** (bits + 1)) >= 2 ** SIMD_MAX_BITS) break;
    }
  }
  const one = 2 ** bits;
  const weights = new Int32Array(outSize * ksize);
  for (let i = 0; i < weights.length; i++) {
    const w = normalized[i]!;
    weights[i] = w < 0 ? Math.trunc(-0.5 + w * one) : Math.trunc(0.5 + w * one);
  }
  const result = { ksize, bounds, weights, bits };
  if (coefficientCache.size >= COEFFICIENT_CACHE_MAX) {
    coefficientCache.delete(coefficientCache.keys().next().value!);
  }
  coefficientCache.set(key, result);
  return result;
}

function clip8(ss: number, bits: number): number {
  const v = ss >> bits;
  return v < 0 ? 0 : Math.min(v, 255);
}

function horizontalPass(
  src: RgbView,
  firstRow: number,
  rows: number,
  c: Coefficients,
  xFrom: number,
  xCount: number,
  dst: Uint8Array,
): void {
  const { ksize, bounds, weights, bits } = c;
  const half = 1 << (bits - 1);
  const data = src.data;
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const row = src.offset + (y + firstRow) * src.stride;
    for (let xx = xFrom; xx < xFrom + xCount; xx++) {
      const count = bounds[xx * 2 + 1]!;
      const k = xx * ksize;
      let p = row + bounds[xx * 2]! * 3;
      let s0 = half;
      let s1 = half;
      let s2 = half;
      for (let x = 0; x < count; x++, p += 3) {
        const w = weights[k + x]!;
        s0 += data[p]! * w;
        s1 += data[p + 1]! * w;
        s2 += data[p + 2]! * w;
      }
      dst[o++] = clip8(s0, bits);
      dst[o++] = clip8(s1, bits);
      dst[o++] = clip8(s2, bits);
    }
  }
}

function verticalPass(
  src: RgbView,
  rowShift: number,
  c: Coefficients,
  yFrom: number,
  yCount: number,
  dst: Uint8Array,
): void {
  const { ksize, bounds, weights, bits } = c;
  const half = 1 << (bits - 1);
  const data = src.data;
  const rowBytes = src.width * 3;
  let o = 0;
  for (let yy = yFrom; yy < yFrom + yCount; yy++) {
    const count = bounds[yy * 2 + 1]!;
    const k = yy * ksize;
    const first = src.offset + (bounds[yy * 2]! - rowShift) * src.stride;
    for (let i = 0; i < rowBytes; i++) {
      let s = half;
      let p = first + i;
      for (let y = 0; y < count; y++, p += src.stride) s += data[p]! * weights[k + y]!;
      dst[o++] = clip8(s, bits);
    }
  }
}

/** A rectangle of the resized image, in its pixels. */
export interface OutputWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ResizeOptions {
  /**
   * Pillow-SIMD's variant: weights rounded to at most 15 fraction bits instead of 22. torchvision's
   * uint8 antialiased resize (Hugging Face "fast" image processors) computes the same way; results
   * differ from Pillow's by +-1 in a few percent of pixels.
   */
  simd?: boolean;
  /**
   * Compute only this part of the resized image (e.g. the centre crop that follows the resize);
   * its pixels are the same as in the full result.
   */
  window?: OutputWindow;
  /** Write the result here (at least window width x height x 3 bytes) instead of a new array. */
  out?: Uint8Array;
}

/** Intermediate rows of the horizontal pass; reused because resizing is synchronous. */
let scratch = new Uint8Array(0);

/**
 * Resizes RGB pixels exactly as Pillow's `Image.resize((width, height), filter)` does and returns
 * the pixels of `opts.window` (default: the whole resized image), row-major RGB.
 */
export function resizePil(
  src: RgbView,
  width: number,
  height: number,
  filter: PilFilter,
  opts: ResizeOptions = {},
): Uint8Array {
  const win = opts.window ?? { left: 0, top: 0, width, height };
  const simd = opts.simd ?? false;
  if (win.left < 0 || win.top < 0 || win.left + win.width > width || win.top + win.height > height) {
    throw new RangeError(`resizePil: window ${JSON.stringify(win)} is outside the ${width}x${height} result`);
  }
  const size = win.width * win.height * 3;
  if (opts.out && opts.out.length < size) {
    throw new RangeError(`resizePil: out holds ${opts.out.length} bytes, needs ${size}`);
  }
  const dst = opts.out ?? new Uint8Array(size);
  const needHorizontal = width !== src.width;
  const needVertical = height !== src.height;
  // Without a horizontal pass the window's columns are a plain offset into the source.
  const cols: RgbView = needHorizontal
    ? src
    : { ...src, width: win.width, offset: src.offset + win.left * 3 };
  if (!needHorizontal && !needVertical) {
    const rowBytes = win.width * 3;
    for (let y = 0; y < win.height; y++) {
      const from = cols.offset + (y + win.top) * src.stride;
      dst.set(src.data.subarray(from, from + rowBytes), y * rowBytes);
    }
    return dst;
  }
  if (!needHorizontal) {
    verticalPass(cols, 0, coefficients(filter, simd, src.height, height), win.top, win.height, dst);
    return dst;
  }
  const hc = coefficients(filter, simd, src.width, width);
  if (!needVertical) {
    horizontalPass(src, win.top, win.height, hc, win.left, win.width, dst);
    return dst;
  }
  const vc = coefficients(filter, simd, src.height, height);
  // Only the source rows the vertical pass reads are resampled horizontally (as Pillow does).
  const last = win.top + win.height - 1;
  const firstRow = vc.bounds[win.top * 2]!;
  const rows = vc.bounds[last * 2]! + vc.bounds[last * 2 + 1]! - firstRow;
  const tempSize = rows * win.width * 3;
  if (scratch.length < tempSize) scratch = new Uint8Array(tempSize);
  horizontalPass(src, firstRow, rows, hc, win.left, win.width, scratch);
  const temp: RgbView = { data: scratch, width: win.width, height: rows, offset: 0, stride: win.width * 3 };
  verticalPass(temp, firstRow, vc, win.top, win.height, dst);
  return dst;
}
