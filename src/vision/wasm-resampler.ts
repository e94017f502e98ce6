import {
  type Coefficients,
  coefficients,
  type OutputWindow,
  type PilFilter,
  type RgbView,
} from './pil-resample.ts';
import {
  HORIZONTAL_SCRATCH_BYTES,
  horizontalFits,
  instantiateKernels,
  LO_BITS,
  type ResampleKernels,
  resampleModule,
  SOURCE_SLACK_BYTES,
} from './resample-wasm.ts';
import {
  checkResize,
  jsResampler,
  type Normalization,
  type Resampler,
  type TensorTarget,
} from './resampler.ts';

/** One axis of a resize, for the output pixels [from, from + count), packed for the kernels. */
interface Axis {
  pairs: number;
  wide: boolean;
  bits: number;
  /** `pairs` i32 per output pixel (narrow: w0 | w1 << 16), twice that when wide (hi pair, lo pair). */
  weights: Int32Array;
  /** First input pixel of each output pixel. */
  starts: Int32Array;
  /** The input pixels read: [first, end). */
  first: number;
  end: number;
}

const I16_MIN = -32768;
const I16_MAX = 32767;
/** Same size on an axis: one tap of weight 1 (256 at 8 bits); Pillow skips the pass, same pixels. */
const IDENTITY_BITS = 8;
const AXIS_CACHE_MAX = 64;
const PAGE_BYTES = 65_536;
/**
 * Memory is kept between calls and never shrinks: a resize that needs more (a photo of tens of
 * megapixels, uploaded once) takes the JavaScript path, whose buffers are freed after it.
 */
const DEFAULT_MAX_MEMORY_BYTES = 96 * 2 ** 20;
/** The vertical kernel computes 16 columns at a time. */
const GROUP = 16;
/**
 * Source rows copied in and resampled horizontally at a time (a multiple of the horizontal kernel's
 * 4 rows): the copy stays in the cache the kernel reads it from, instead of a whole frame's
 * pixels written to memory and read back (2.7 MB for 1280x720; 12% less time, 2.60 -> 2.28 ms at
 * the 10th percentile for 1280x720 -> 320x240, same process, alternating).
 */
const CHUNK_ROWS = 32;

const pair = (a: number, b: number) => (a & 0xffff) | (b << 16);
const align16 = (n: number) => Math.ceil(n / 16) * 16;

function packAxis(c: Coefficients, from: number, count: number): Axis {
  const { ksize, bounds, weights: w, bits } = c;
  // Pillow sizes its weight rows for the widest possible window (ksize); the kernels run the taps
  // the window's pixels have (16 of 17 for a 4x bicubic downscale).
  let taps = 1;
  for (let i = from; i < from + count; i++) taps = Math.max(taps, bounds[i * 2 + 1]!);
  const pairs = Math.ceil(taps / 2);
  let wide = false;
  for (let i = from * ksize; i < (from + count) * ksize; i++) {
    if (w[i]! < I16_MIN || w[i]! > I16_MAX) wide = true;
  }
  const perPixel = wide ? 2 * pairs : pairs;
  const weights = new Int32Array(count * perPixel);
  const starts = new Int32Array(count);
  const loMask = (1 << LO_BITS) - 1;
  let end = 0;
  for (let i = 0; i < count; i++) {
    const x = from + i;
    starts[i] = bounds[x * 2]!;
    end = Math.max(end, starts[i]! + bounds[x * 2 + 1]!);
    for (let k = 0; k < pairs; k++) {
      const w0 = w[x * ksize + 2 * k]!;
      const w1 = 2 * k + 1 < taps ? w[x * ksize + 2 * k + 1]! : 0;
      if (wide) {
        weights[i * perPixel + 2 * k] = pair(w0 >> LO_BITS, w1 >> LO_BITS);
        weights[i * perPixel + 2 * k + 1] = pair(w0 & loMask, w1 & loMask);
      } else {
        weights[i * perPixel + k] = pair(w0, w1);
      }
    }
  }
  return { pairs, wide, bits, weights, starts, first: starts[0]!, end };
}

function identityAxis(from: number, count: number): Axis {
  const starts = Int32Array.from({ length: count }, (_, i) => from + i);
  const weights = new Int32Array(count).fill(1 << IDENTITY_BITS);
  return { pairs: 1, wide: false, bits: IDENTITY_BITS, weights, starts, first: from, end: from + count };
}

/** Where each part lives in the kernels' memory, in bytes. */
function layout(h: Axis, v: Axis, win: OutputWindow) {
  const rowBytes = (h.end - h.first) * 3;
  const rows = v.end - v.first;
  const cols = Math.max(win.width, GROUP);
  // Whole groups of 4 columns: the horizontal kernel writes 4 pixels of a row at a time.
  const tempStride = Math.max(Math.ceil(win.width / 4) * 4, GROUP);
  const tempPlane = rows * tempStride;
  const src = 0;
  const scratch = align16(src + Math.min(rows, CHUNK_ROWS) * rowBytes + SOURCE_SLACK_BYTES);
  const hBounds = scratch + HORIZONTAL_SCRATCH_BYTES;
  const hWeights = align16(hBounds + 4 * win.width);
  const vBounds = align16(hWeights + 4 * h.weights.length);
  const vWeights = align16(vBounds + 4 * win.height);
  const temp = align16(vWeights + 4 * v.weights.length);
  // The vertical kernel reads up to 2 * pairs rows from a row's first: slack after the last plane.
  const dst = align16(temp + 3 * tempPlane + (2 * v.pairs + 1) * tempStride + GROUP);
  const dstPlane = win.height * cols;
  const end = dst + 3 * dstPlane * 4;
  return {
    rowBytes,
    rows,
    cols,
    tempStride,
    tempPlane,
    src,
    scratch,
    hBounds,
    hWeights,
    vBounds,
    vWeights,
    temp,
    dst,
    dstPlane,
    end,
  };
}

/**
 * The Resampler in WebAssembly SIMD (src/vision/resample-wasm.ts): the same pixels as resizePil,
 * the same floats as jsResampler. Its memory (the source rectangle, weights, intermediate planes,
 * output) is kept from call to call, so a frame allocates nothing once its sizes have been seen.
 */
export class WasmResampler implements Resampler {
  readonly #memory: WebAssembly.Memory;
  readonly #kernels: ResampleKernels;
  readonly #axes = new Map<string, Axis>();
  readonly #maxMemoryBytes: number;

  private constructor(module: WebAssembly.Module, maxMemoryBytes: number) {
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    this.#kernels = instantiateKernels(module, this.#memory);
    this.#maxMemoryBytes = maxMemoryBytes;
  }

  /** A resampler, or null where this runtime has no WebAssembly SIMD. */
  static create(opts: { maxMemoryBytes?: number } = {}): WasmResampler | null {
    const module = resampleModule();
    return module ? new WasmResampler(module, opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES) : null;
  }

  /** Bytes of memory held: the largest frame's needs, kept. */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  #axis(
    filter: PilFilter,
    simd: boolean,
    inSize: number,
    outSize: number,
    from: number,
    count: number,
  ): Axis {
    const key = `${filter}:${simd}:${inSize}:${outSize}:${from}:${count}`;
    let axis = this.#axes.get(key);
    if (!axis) {
      axis =
        inSize === outSize
          ? identityAxis(from, count)
          : packAxis(coefficients(filter, simd, inSize, outSize), from, count);
      if (this.#axes.size >= AXIS_CACHE_MAX) this.#axes.delete(this.#axes.keys().next().value!);
      this.#axes.set(key, axis);
    }
    return axis;
  }

  resize(
    src: RgbView,
    width: number,
    height: number,
    filter: PilFilter,
    simd: boolean,
    win: OutputWindow,
    norm: Normalization,
    target: TensorTarget,
  ): void {
    checkResize(width, height, win, target);
    const h = this.#axis(filter, simd, src.width, width, win.left, win.width);
    const v = this.#axis(filter, simd, src.height, height, win.top, win.height);
    const at = layout(h, v, win);
    if (!horizontalFits(h.end - h.first, h.pairs, win.width) || at.end > this.#maxMemoryBytes) {
      // Rows wider than the kernels' scratch (over 8000 pixels) or a huge image: uploads, rare.
      jsResampler.resize(src, width, height, filter, simd, win, norm, target);
      return;
    }
    const pages = Math.ceil(at.end / PAGE_BYTES) - this.#memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.#memory.grow(pages);
    const buffer = this.#memory.buffer;

    const ints = new Int32Array(buffer);
    for (let i = 0; i < win.width; i++) ints[at.hBounds / 4 + i] = (h.starts[i]! - h.first) * 8;
    ints.set(h.weights, at.hWeights / 4);
    for (let i = 0; i < win.height; i++) ints[at.vBounds / 4 + i] = (v.starts[i]! - v.first) * at.tempStride;
    ints.set(v.weights, at.vWeights / 4);

    // Only the source pixels the window reads, a chunk of rows at a time.
    const bytes = new Uint8Array(buffer);
    const first = src.offset + v.first * src.stride + h.first * 3;
    const { horizontal: hk, vertical } = this.#kernels;
    const horizontal = h.wide ? hk.wide : hk.narrow;
    for (let r0 = 0; r0 < at.rows; r0 += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, at.rows - r0);
      const from = first + r0 * src.stride;
      if (at.rowBytes === src.stride) {
        bytes.set(src.data.subarray(from, from + rows * at.rowBytes), at.src);
      } else {
        for (let r = 0; r < rows; r++) {
          const row = from + r * src.stride;
          bytes.set(src.data.subarray(row, row + at.rowBytes), at.src + r * at.rowBytes);
        }
      }
      horizontal(
        at.src,
        at.rowBytes,
        rows,
        h.end - h.first,
        at.hBounds,
        at.hWeights,
        h.pairs,
        win.width,
        at.temp + r0 * at.tempStride,
        at.tempStride,
        at.tempPlane,
        h.bits,
        at.scratch,
      );
    }
    for (let c = 0; c < 3; c++) {
      (v.wide ? vertical.wide : vertical.narrow)(
        at.temp + c * at.tempPlane,
        at.tempStride,
        at.cols,
        at.vBounds,
        at.vWeights,
        v.pairs,
        win.height,
        at.dst + c * at.dstPlane * 4,
        at.cols * 4,
        v.bits,
        norm.mean[c]!,
        norm.std[c]!,
      );
    }

    const floats = new Float32Array(buffer, at.dst, 3 * at.dstPlane);
    const plane = target.width * target.height;
    for (let c = 0; c < 3; c++) {
      const base = target.offset + c * plane + target.top * target.width + target.left;
      if (win.width === target.width && at.cols === win.width) {
        target.out.set(floats.subarray(c * at.dstPlane, (c + 1) * at.dstPlane), base);
        continue;
      }
      for (let y = 0; y < win.height; y++) {
        const from = c * at.dstPlane + y * at.cols;
        target.out.set(floats.subarray(from, from + win.width), base + y * target.width);
      }
    }
  }
}
