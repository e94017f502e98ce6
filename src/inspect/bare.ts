import type { InspectionRegion } from '../protocol.ts';
import { onQuad, type Quad } from '../verify/geometry.ts';
import type { PixelRect, RawImage } from '../vision/image.ts';

/**
 * Whether a chip's footprint shows the bare board. Under a chip there is only the board: its solder
 * mask and the tinned pads. A chip taken off leaves that; a chip still there shows its package, its
 * heatsink, a burn or its lifted edge, none of them the mask's colour. The board's mask colour is
 * read off the picture itself, between the map's regions, and the picture's light is first brought
 * to the reference's channel by channel (von Kries: a colour cast or dim light changes the mask and
 * a grey pad alike). Each footprint's centre is then asked how much of the mask's colour it has: a
 * pixel's chromaticity on the way from grey to the mask's counts by how far along it lies (pads too
 * fine to resolve mix the two), in the picture and in the golden reference. Where the mask has hardly
 * any colour of its own (a black board: a package would look like it), there is no evidence and the
 * score alone decides.
 */

/** How much of a footprint's centre shows the mask, in the inspected picture and in the reference. */
export interface BareEvidence {
  live: number;
  ref: number;
}

/** A picture and where the map's reference lies on it: its corners, in the picture's pixels. */
export interface Placed {
  image: RawImage;
  corners: Quad;
}

/** Grid of the board surface's samples (reference fractions), before those on regions are left out. */
const SURFACE_GRID = [48, 24] as const;
/** A surface sample this close to a region (a fraction of the region's size) is left out. */
const REGION_MARGIN = 0.15;
/** Fewer surface samples than this: no evidence. */
const MIN_SURFACE_SAMPLES = 40;
/** Samples across a footprint's centre, each way, and the part of the footprint they cover. */
const FOOTPRINT_GRID = 7;
const FOOTPRINT_CENTRE = 0.6;
/** The most the live picture's light may differ from the reference's, per channel, when it is taken out. */
const GAIN_MAX = 5;
/** Pixels darker than this (r + g + b) have no reliable colour: never mask-like. */
const MIN_SUM = 45;
/** A mask this close to grey (chromaticity distance) has no colour of its own to tell it by. */
const MIN_MASK_CHROMA = 0.08;
/** Chromaticity distance within which a pixel has the mask's colour: from the surface's own spread. */
const TOLERANCE = { min: 0.03, max: 0.08, spreads: 3 } as const;

type Rgb = [number, number, number];

/** The mean colour of the 3x3 pixels around (x, y), or null outside the picture. */
function sample(img: RawImage, x: number, y: number): Rgb | null {
  const cx = Math.round(x);
  const cy = Math.round(y);
  if (cx < 1 || cy < 1 || cx >= img.width - 1 || cy >= img.height - 1) return null;
  const out: Rgb = [0, 0, 0];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const i = ((cy + dy) * img.width + cx + dx) * 3;
      out[0] += img.data[i]!;
      out[1] += img.data[i + 1]!;
      out[2] += img.data[i + 2]!;
    }
  }
  return [out[0] / 9, out[1] / 9, out[2] / 9];
}

const sum = (c: Rgb) => c[0] + c[1] + c[2];
const brightness = (c: Rgb) => sum(c) / 3;
const chroma = (c: Rgb): Rgb => {
  const s = Math.max(1, sum(c));
  return [c[0] / s, c[1] / s, c[2] / s];
};
const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
/** The middle value of `xs` (NaN for none). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};

/** The mask's colour on one picture, and how close a pixel's must be; null when it has too little colour. */
interface Mask {
  chroma: Rgb;
  sum: number;
  tolerance: number;
}

function maskOf(colours: Rgb[]): Mask | null {
  const lit = colours.filter((c) => sum(c) >= MIN_SUM);
  if (lit.length < MIN_SURFACE_SAMPLES) return null;
  const ch = lit.map(chroma);
  const m: Rgb = [median(ch.map((c) => c[0])), median(ch.map((c) => c[1])), median(ch.map((c) => c[2]))];
  if (distance(m, [1 / 3, 1 / 3, 1 / 3]) < MIN_MASK_CHROMA) return null;
  const spread = median(ch.map((c) => distance(c, m)));
  return {
    chroma: m,
    sum: median(lit.map(sum)),
    tolerance: Math.min(TOLERANCE.max, Math.max(TOLERANCE.min, TOLERANCE.spreads * spread)),
  };
}

const GREY: Rgb = [1 / 3, 1 / 3, 1 / 3];

/**
 * How much of the mask's colour a pixel has, 0..1: where its chromaticity lies on the way from grey
 * to the mask's (pads too fine to resolve mix the mask's colour with their grey tin). 0 for a pixel
 * of another hue (off that way by more than the tolerance) or too dark to have a colour.
 */
function maskAmount(c: Rgb, mask: Mask): number {
  if (sum(c) < MIN_SUM) return 0;
  const ch = chroma(c);
  const axis: Rgb = [mask.chroma[0] - GREY[0], mask.chroma[1] - GREY[1], mask.chroma[2] - GREY[2]];
  const off: Rgb = [ch[0] - GREY[0], ch[1] - GREY[1], ch[2] - GREY[2]];
  const along =
    (off[0] * axis[0] + off[1] * axis[1] + off[2] * axis[2]) / (axis[0] ** 2 + axis[1] ** 2 + axis[2] ** 2);
  const away = distance(off, [along * axis[0], along * axis[1], along * axis[2]]);
  return away > mask.tolerance ? 0 : Math.max(0, Math.min(1, along));
}

/** Reads a picture at reference fractions (u, v). */
function reader(p: Placed) {
  return (u: number, v: number) => {
    const [x, y] = onQuad(p.corners, u, v);
    return sample(p.image, x, y);
  };
}

/** Where the board's own surface is: grid points of the reference clear of every region. */
function surfacePoints(regions: readonly InspectionRegion[]): [number, number][] {
  const [nx, ny] = SURFACE_GRID;
  const out: [number, number][] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const u = (i + 0.5) / nx;
      const v = (j + 0.5) / ny;
      const onRegion = regions.some(({ box: b }) => {
        const mx = b.width * REGION_MARGIN;
        const my = b.height * REGION_MARGIN;
        return u >= b.x - mx && u <= b.x + b.width + mx && v >= b.y - my && v <= b.y + b.height + my;
      });
      if (!onRegion) out.push([u, v]);
    }
  }
  return out;
}

/** How much of the mask's colour a footprint's centre has (the mean over its samples); NaN when none is in the picture. */
function maskShare(read: ReturnType<typeof reader>, mask: Mask, r: InspectionRegion): number {
  const amounts = footprintCentre(r).flatMap(([u, v]) => {
    const c = read(u, v);
    return c ? [maskAmount(c, mask)] : [];
  });
  return amounts.length === 0 ? Number.NaN : amounts.reduce((a, b) => a + b, 0) / amounts.length;
}

/** The sample points across a footprint's centre (reference fractions). */
function footprintCentre(r: InspectionRegion): [number, number][] {
  const { x, y, width, height } = r.box;
  const margin = (1 - FOOTPRINT_CENTRE) / 2;
  const out: [number, number][] = [];
  for (let j = 0; j < FOOTPRINT_GRID; j++) {
    for (let i = 0; i < FOOTPRINT_GRID; i++) {
      out.push([
        x + width * (margin + (FOOTPRINT_CENTRE * (i + 0.5)) / FOOTPRINT_GRID),
        y + height * (margin + (FOOTPRINT_CENTRE * (j + 0.5)) / FOOTPRINT_GRID),
      ]);
    }
  }
  return out;
}

/**
 * How much of each of `ids`' footprints shows the board's mask, in the inspected picture (`live`,
 * the reference's corners on it) and in the reference itself; null when either picture's mask has
 * too little colour to tell it by (or too little of the board lies clear of the regions).
 */
export function bareEvidence(
  live: Placed,
  ref: RawImage,
  regions: readonly InspectionRegion[],
  ids: ReadonlySet<number>,
): Map<number, BareEvidence> | null {
  if (ids.size === 0) return new Map();
  const readLive = reader(live);
  const readRef = reader(wholeImage(ref));
  const points = surfacePoints(regions);
  const colours = (read: ReturnType<typeof reader>) =>
    points.map(([u, v]) => read(u, v)).filter((c): c is Rgb => c !== null && sum(c) >= MIN_SUM);
  const refSurface = colours(readRef);
  const liveSurface = colours(readLive);
  if (refSurface.length < MIN_SURFACE_SAMPLES || liveSurface.length < MIN_SURFACE_SAMPLES) return null;
  // the live picture's light (a colour cast, dim light) taken out channel by channel, so that the
  // mask has its reference colour again and a grey pad is grey (von Kries)
  const gain = [0, 1, 2].map((k) =>
    Math.min(
      GAIN_MAX,
      Math.max(
        1 / GAIN_MAX,
        median(liveSurface.map((c) => c[k]!)) / Math.max(1, median(refSurface.map((c) => c[k]!))),
      ),
    ),
  ) as Rgb;
  const balanced = (read: ReturnType<typeof reader>) => (u: number, v: number) => {
    const c = read(u, v);
    return c ? ([c[0] / gain[0], c[1] / gain[1], c[2] / gain[2]] as Rgb) : null;
  };
  const readBalanced = balanced(readLive);
  const liveMask = maskOf(colours(readBalanced));
  const refMask = maskOf(refSurface);
  if (!liveMask || !refMask) return null;
  const out = new Map<number, BareEvidence>();
  for (const r of regions) {
    if (!ids.has(r.id)) continue;
    const e = { live: maskShare(readBalanced, liveMask, r), ref: maskShare(readRef, refMask, r) };
    if (Number.isFinite(e.live) && Number.isFinite(e.ref)) out.set(r.id, e);
  }
  return out;
}

/**
 * Where the mask has no colour to tell the bare board by (a black board), its brightness still says
 * something: a footprint whose chip was taken off shows tinned pads on the dark mask, a mix whose
 * middle lies a few times above the mask's brightness; a chip still there shows its package or a
 * burn (about as dark as the mask) or the bright metal of its lid or die, uniform across the centre.
 * For each of `ids`: the median brightness of its footprint's centre over the median brightness of
 * the board's surface between the regions, both in the live picture (so its light cancels out); null
 * when too little of the board lies clear of the regions.
 */
export function centreBrightness(
  live: Placed,
  regions: readonly InspectionRegion[],
  ids: ReadonlySet<number>,
): Map<number, number> | null {
  if (ids.size === 0) return new Map();
  const read = reader(live);
  const board = boardBrightness(read, regions);
  if (board === null) return null;
  const out = new Map<number, number>();
  for (const r of regions) {
    if (!ids.has(r.id)) continue;
    const centre = footprintCentre(r).flatMap(([u, v]) => {
      const c = read(u, v);
      return c ? [brightness(c)] : [];
    });
    if (centre.length > 0) out.set(r.id, median(centre) / board);
  }
  return out;
}

/** The median brightness of the board's surface between the regions; null when too little of it is clear. */
function boardBrightness(
  read: ReturnType<typeof reader>,
  regions: readonly InspectionRegion[],
): number | null {
  const surface = surfacePoints(regions)
    .map(([u, v]) => read(u, v))
    .filter((c): c is Rgb => c !== null)
    .map(brightness);
  return surface.length < MIN_SURFACE_SAMPLES ? null : Math.max(1, median(surface));
}

/** Pixels across a footprint's centre for its spread, each way, and the part of the footprint they cover. */
const SPREAD_GRID = 9;
const SPREAD_CENTRE = 0.7;
/** The quantiles whose distance is the spread. */
const SPREAD_QUANTILES = [0.15, 0.85] as const;

/**
 * How far the single pixels across a footprint's centre spread in brightness: the distance between
 * their 15th and 85th percentiles over the board surface's median brightness, in the live picture.
 * Tinned pads on a dark mask are a pattern of bright lands and dark gaps and spread far; a package, a
 * burn or a bare lid is even. For each of `ids`; null when too little of the board lies clear of the
 * regions. Pixels, not 3x3 means: pads a few pixels wide would blend into their gaps.
 */
export function centreSpread(
  live: Placed,
  regions: readonly InspectionRegion[],
  ids: ReadonlySet<number>,
): Map<number, number> | null {
  if (ids.size === 0) return new Map();
  const board = boardBrightness(reader(live), regions);
  if (board === null) return null;
  const { image } = live;
  const pixel = (u: number, v: number) => {
    const [x, y] = onQuad(live.corners, u, v);
    const cx = Math.round(x);
    const cy = Math.round(y);
    if (cx < 0 || cy < 0 || cx >= image.width || cy >= image.height) return null;
    const i = (cy * image.width + cx) * 3;
    return (image.data[i]! + image.data[i + 1]! + image.data[i + 2]!) / 3;
  };
  const out = new Map<number, number>();
  const margin = (1 - SPREAD_CENTRE) / 2;
  for (const r of regions) {
    if (!ids.has(r.id)) continue;
    const { x, y, width, height } = r.box;
    const values: number[] = [];
    for (let j = 0; j < SPREAD_GRID; j++) {
      for (let i = 0; i < SPREAD_GRID; i++) {
        const b = pixel(
          x + width * (margin + (SPREAD_CENTRE * (i + 0.5)) / SPREAD_GRID),
          y + height * (margin + (SPREAD_CENTRE * (j + 0.5)) / SPREAD_GRID),
        );
        if (b !== null) values.push(b);
      }
    }
    if (values.length < SPREAD_GRID) continue;
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.floor(q * values.length)]!;
    out.set(r.id, (at(SPREAD_QUANTILES[1]) - at(SPREAD_QUANTILES[0])) / board);
  }
  return out;
}

/** A picture placed as itself: its own corners (the reference, read in its own frame). */
export function wholeImage(image: RawImage): Placed {
  return {
    image,
    corners: [
      [0, 0],
      [image.width, 0],
      [image.width, image.height],
      [0, image.height],
    ],
  };
}

/** The live picture's corners of the reference in the whole image, from the slot crop's. */
export function inImage(crop: PixelRect, cornersInCrop: Quad): Quad {
  return cornersInCrop.map(([x, y]) => [crop.left + x, crop.top + y]) as Quad;
}
