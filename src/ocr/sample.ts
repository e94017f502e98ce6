import type { RawImage } from '../vision/image.ts';
import type { Quad } from './types.ts';

/** Per-channel affine normalisation of 0-255 values, in the network's BGR channel order. */
export interface Normalisation {
  scale: readonly [number, number, number];
  shift: readonly [number, number, number];
}

/** Where one sampled picture goes: a CHW tensor with `stride` floats per row and `plane` per channel. */
export interface Target {
  out: Float32Array;
  offset: number;
  stride: number;
  plane: number;
}

/**
 * Samples quad `q` of an RGB image into an outW x outH patch of a BGR CHW tensor, normalised:
 * rotates and scales in one step. Bilinear, averaged over up to 4x4 points per output pixel when
 * the patch is smaller than the quad, so that shrinking does not alias small print.
 */
export function sampleQuad(
  image: RawImage,
  q: Quad,
  outW: number,
  outH: number,
  t: Target,
  norm: Normalisation,
): void {
  const [tl, tr, , bl] = q;
  const { data, width: iw, height: ih } = image;
  const ux = (tr[0] - tl[0]) / outW;
  const uy = (tr[1] - tl[1]) / outW;
  const vx = (bl[0] - tl[0]) / outH;
  const vy = (bl[1] - tl[1]) / outH;
  const grid = Math.min(4, Math.max(1, Math.ceil(Math.max(Math.hypot(ux, uy), Math.hypot(vx, vy)) - 0.01)));
  const weight = 1 / (grid * grid);
  const [sb, sg, sr] = norm.scale;
  const [hb, hg, hr] = norm.shift;
  const { out, stride, plane } = t;
  for (let ty = 0; ty < outH; ty++) {
    for (let tx = 0; tx < outW; tx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < grid; sy++) {
        const fy = ty + (sy + 0.5) / grid;
        for (let sx = 0; sx < grid; sx++) {
          const fx = tx + (sx + 0.5) / grid;
          const x = Math.min(Math.max(tl[0] + fx * ux + fy * vx - 0.5, 0), iw - 1);
          const y = Math.min(Math.max(tl[1] + fx * uy + fy * vy - 0.5, 0), ih - 1);
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const dx = x0 < iw - 1 ? 3 : 0;
          const dy = y0 < ih - 1 ? 3 * iw : 0;
          const ax = x - x0;
          const ay = y - y0;
          const w00 = (1 - ax) * (1 - ay);
          const w01 = ax * (1 - ay);
          const w10 = (1 - ax) * ay;
          const w11 = ax * ay;
          const i = (y0 * iw + x0) * 3;
          r += data[i]! * w00 + data[i + dx]! * w01 + data[i + dy]! * w10 + data[i + dy + dx]! * w11;
          g +=
            data[i + 1]! * w00 +
            data[i + dx + 1]! * w01 +
            data[i + dy + 1]! * w10 +
            data[i + dy + dx + 1]! * w11;
          b +=
            data[i + 2]! * w00 +
            data[i + dx + 2]! * w01 +
            data[i + dy + 2]! * w10 +
            data[i + dy + dx + 2]! * w11;
        }
      }
      const at = t.offset + ty * stride + tx;
      out[at] = b * weight * sb + hb;
      out[at + plane] = g * weight * sg + hg;
      out[at + 2 * plane] = r * weight * sr + hr;
    }
  }
}

/** The whole image as a quad, clockwise from the top-left. */
export function imageQuad(image: RawImage): Quad {
  return [
    [0, 0],
    [image.width, 0],
    [image.width, image.height],
    [0, image.height],
  ];
}
