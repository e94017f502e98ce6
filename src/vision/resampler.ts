import { type OutputWindow, type PilFilter, type RgbView, resizePil } from './pil-resample.ts';

/** Per channel (R, G, B): tensor value = (pixel - mean) / std, in float32 (mean and std too). */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/** Where a resize writes: CHW float32 planes of width x height at `offset`, the window at (left, top). */
export interface TensorTarget {
  out: Float32Array;
  offset: number;
  width: number;
  height: number;
  left: number;
  top: number;
}

/**
 * Pillow's Image.resize((width, height), filter) of `src` (Pillow-SIMD's weights with `simd`): the
 * pixels of `win` of the result, normalised, written into `target`. Synchronous.
 */
export interface Resampler {
  resize(
    src: RgbView,
    width: number,
    height: number,
    filter: PilFilter,
    simd: boolean,
    win: OutputWindow,
    norm: Normalization,
    target: TensorTarget,
  ): void;
}

export function checkResize(width: number, height: number, win: OutputWindow, target: TensorTarget): void {
  if (win.width < 1 || win.height < 1 || win.left < 0 || win.top < 0) {
    throw new RangeError(`resize: window ${JSON.stringify(win)} is empty or starts outside the result`);
  }
  if (win.left + win.width > width || win.top + win.height > height) {
    throw new RangeError(`resize: window ${JSON.stringify(win)} is outside the ${width}x${height} result`);
  }
  const plane = target.width * target.height;
  if (
    target.left < 0 ||
    target.top < 0 ||
    target.left + win.width > target.width ||
    target.top + win.height > target.height ||
    target.offset < 0 ||
    target.offset + 3 * plane > target.out.length
  ) {
    throw new RangeError(
      `resize: a ${win.width}x${win.height} window at (${target.left}, ${target.top}) does not fit ` +
        `${target.width}x${target.height} planes at offset ${target.offset} of ${target.out.length} floats`,
    );
  }
}

/** resizePil, then the normalisation, in JavaScript: the reference, and the path without WebAssembly SIMD. */
export const jsResampler: Resampler = {
  resize(src, width, height, filter, simd, win, norm, target) {
    checkResize(width, height, win, target);
    const pixels = resizePil(src, width, height, filter, { simd, window: win });
    const f = Math.fround;
    const plane = target.width * target.height;
    for (let c = 0; c < 3; c++) {
      const mean = f(norm.mean[c]!);
      const std = f(norm.std[c]!);
      const base = target.offset + c * plane + target.top * target.width + target.left;
      for (let y = 0; y < win.height; y++) {
        const row = base + y * target.width;
        for (let x = 0, s = y * win.width * 3 + c; x < win.width; x++, s += 3) {
          target.out[row + x] = f(f(pixels[s]! - mean) / std);
        }
      }
    }
  },
};
