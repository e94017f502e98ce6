import sharp from 'sharp';
import { occluderSvg } from '../../synth/occluders.ts';
import { Rng } from '../../synth/rng.ts';

/** A decoded picture: RGB, 3 bytes a pixel. */
export interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

/** Longest side of a picture once loaded: views are rendered from this (and references stored at it). */
export const PHOTO_MAX_SIDE = 1280;

/** Decodes a photo or render (alpha flattened on white) to RGB, at most PHOTO_MAX_SIDE a side. */
export async function loadPhoto(file: Buffer): Promise<Rgb> {
  const { data, info } = await sharp(file, { limitInputPixels: 60_000_000 })
    .flatten({ background: '#ffffff' })
    .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The reference enrolled for a board: the whole picture, as a JPEG. */
export function referenceJpeg(p: Rgb): Promise<Buffer> {
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

type Point = [number, number];
type Quad = [Point, Point, Point, Point];

/** The homography (row-major, h33 = 1) that maps quad `from` onto quad `to`. */
export function homography(from: Quad, to: Quad): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const row = a[c]!;
    if (Math.abs(row[c]!) < 1e-12) throw new RangeError('degenerate quad');
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / row[c]!;
      for (let k = c; k < 9; k++) a[r]![k]! -= f * row[k]!;
    }
  }
  return [...a.map((row, i) => row[8]! / row[i]!), 1];
}

export function project(h: readonly number[], x: number, y: number): Point {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/** What one bench view did to its photo (kept for tests and for reading a contact sheet). */
export interface ViewMeta {
  /** Where the picture's cropped part landed in the frame (top-left, top-right, bottom-right, bottom-left). */
  quad: Quad;
  crop: { x: number; y: number; width: number; height: number };
  rotationDeg: number;
  light: number;
  colour: [number, number, number];
  blur: number;
  occluded: boolean;
  quality: number;
}

/** Views with a hand over the board. */
export const OCCLUDED_SHARE = 0.5;

/**
 * A camera view of a photographed board on a bench, derived deterministically from `seed`: a crop of
 * 70-100% of each side, rotation up to 15°, a perspective tilt, a bench mat around it, dim light, a
 * colour cast, blur, a hand over the board in half the views, JPEG.
 */
export async function photoBenchView(
  photo: Rgb,
  seed: number,
  frame: { width: number; height: number },
): Promise<{ jpeg: Buffer; meta: ViewMeta }> {
  const rng = new Rng(seed);
  const { width: W, height: H } = frame;
  const cw = photo.width * rng.float(0.7, 1);
  const ch = photo.height * rng.float(0.7, 1);
  const cx = rng.float(0, photo.width - cw);
  const cy = rng.float(0, photo.height - ch);
  const src: Quad = [
    [cx, cy],
    [cx + cw, cy],
    [cx + cw, cy + ch],
    [cx, cy + ch],
  ];
  const scale = Math.min(W / cw, H / ch) * rng.float(0.6, 0.9);
  const [hw, hh] = [(cw * scale) / 2, (ch * scale) / 2];
  const centre: Point = [W / 2 + rng.float(-0.08, 0.08) * W, H / 2 + rng.float(-0.08, 0.08) * H];
  const rotationDeg = rng.float(-15, 15);
  const a = (rotationDeg * Math.PI) / 180;
  const tilt = 0.07 * Math.max(hw, hh);
  const quad = (
    [
      [-hw, -hh],
      [hw, -hh],
      [hw, hh],
      [-hw, hh],
    ] as Point[]
  ).map(([x, y]) => {
    const [px, py] = [x + rng.float(-tilt, tilt), y + rng.float(-tilt, tilt)];
    return [centre[0] + px * Math.cos(a) - py * Math.sin(a), centre[1] + px * Math.sin(a) + py * Math.cos(a)];
  }) as Quad;
  const back = homography(quad, src);
  const mat = [rng.int(60, 150), rng.int(60, 150), rng.int(60, 150)];
  const out = Buffer.alloc(W * H * 3);
  const d = photo.data;
  const pw = photo.width;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [sx, sy] = project(back, x + 0.5, y + 0.5);
      const o = (y * W + x) * 3;
      const fx = sx - 0.5;
      const fy = sy - 0.5;
      if (fx < 0 || fy < 0 || fx >= photo.width - 1 || fy >= photo.height - 1) {
        const grain = ((x * 7919 + y * 104_729) % 17) - 8;
        for (let c = 0; c < 3; c++) out[o + c] = mat[c]! + grain;
        continue;
      }
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const i00 = (y0 * pw + x0) * 3;
      const i10 = i00 + 3;
      const i01 = i00 + pw * 3;
      const i11 = i01 + 3;
      for (let c = 0; c < 3; c++) {
        const top = d[i00 + c]! * (1 - tx) + d[i10 + c]! * tx;
        const bottom = d[i01 + c]! * (1 - tx) + d[i11 + c]! * tx;
        out[o + c] = Math.round(top * (1 - ty) + bottom * ty);
      }
    }
  }
  const raw = { raw: { width: W, height: H, channels: 3 as const } };
  let scene = out;
  const occluded = rng.bool(OCCLUDED_SHARE);
  if (occluded) {
    const t = 0.15 + 0.7 * rng.next();
    const target: Point = [
      quad[0][0] * (1 - t) + quad[2][0] * t + rng.float(-0.1, 0.1) * W,
      quad[0][1] * (1 - t) + quad[2][1] * t + rng.float(-0.1, 0.1) * H,
    ];
    const hand = occluderSvg(rng.child('hand'), 'hand', target, { width: W, height: H, pxPerMm: W / 260 });
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs>` +
      '<filter id="soft" x="-0.1" y="-0.1" width="1.2" height="1.2"><feGaussianBlur stdDeviation="3"/></filter>' +
      `</defs>${hand.svg}</svg>`;
    scene = await sharp(out, raw)
      .composite([{ input: Buffer.from(svg) }])
      .removeAlpha()
      .raw()
      .toBuffer();
  }
  const light = rng.float(0.45, 1);
  const colour = [rng.float(0.85, 1.15), rng.float(0.85, 1.15), rng.float(0.85, 1.15)] as [
    number,
    number,
    number,
  ];
  const blur = rng.float(0.3, 1.6);
  const quality = rng.int(55, 90);
  const jpeg = await sharp(scene, raw)
    .linear(
      colour.map((c) => c * light),
      [0, 0, 0],
    )
    .blur(blur)
    .jpeg({ quality })
    .toBuffer();
  return {
    jpeg,
    meta: {
      quad,
      crop: { x: cx, y: cy, width: cw, height: ch },
      rotationDeg,
      light,
      colour,
      blur,
      occluded,
      quality,
    },
  };
}
