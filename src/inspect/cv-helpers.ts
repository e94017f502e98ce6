/** Small OpenCV helpers the inspection's parts share. */
import type { RawImage } from '../vision/image.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
export type Cv = any;

/** An RGB picture as a grey Mat (the caller deletes it). */
export function grayOf(cv: Cv, image: RawImage): Cv {
  const rgb = new cv.Mat(image.height, image.width, cv.CV_8UC3);
  const gray = new cv.Mat();
  try {
    rgb.data.set(image.data);
    cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY);
    return gray;
  } finally {
    rgb.delete();
  }
}

/** The image as an 8-bit RGB Mat (the caller deletes it). */
export function rgbOf(cv: Cv, image: RawImage): Cv {
  const rgb = new cv.Mat(image.height, image.width, cv.CV_8UC3);
  rgb.data.set(image.data);
  return rgb;
}

/** `src` scaled to width x height by area averaging (the caller deletes it). */
export function resized(cv: Cv, src: Cv, width: number, height: number): Cv {
  const dst = new cv.Mat();
  cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
  return dst;
}

/** A 3x3 row-major product. */
export function mul3(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      out.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!);
  return out;
}

/** Mean and standard deviation of a single-channel Mat. */
export function stats(cv: Cv, m: Cv): { mean: number; std: number } {
  const mean = new cv.Mat();
  const std = new cv.Mat();
  try {
    cv.meanStdDev(m, mean, std);
    return { mean: mean.data64F[0], std: std.data64F[0] };
  } finally {
    mean.delete();
    std.delete();
  }
}
