/** A point [x, y]. */
export type Point = [number, number];
/** Four corners, in the order top-left, top-right, bottom-right, bottom-left of the reference. */
export type Quad = [Point, Point, Point, Point];

/** Maps a point through a 3x3 homography (row-major). */
export function project(h: ArrayLike<number>, x: number, y: number): Point {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/**
 * Where a point of a rectangle lands on a picture that shows it in perspective: the rectangle's
 * corners (top-left, top-right, bottom-right, bottom-left) are `quad` on the picture, and (u, v) are
 * fractions of the rectangle. The square-to-quadrilateral projective map (Heckbert, "Fundamentals of
 * Texture Mapping and Image Warping", 1989, section 2.2.3).
 */
export function onQuad(quad: readonly (readonly [number, number])[], u: number, v: number): Point {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad as [
    readonly [number, number],
    readonly [number, number],
    readonly [number, number],
    readonly [number, number],
  ];
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (sx !== 0 || sy !== 0) {
    const dx1 = x1 - x2;
    const dx2 = x3 - x2;
    const dy1 = y1 - y2;
    const dy2 = y3 - y2;
    const det = dx1 * dy2 - dx2 * dy1;
    g = (sx * dy2 - dx2 * sy) / det;
    h = (dx1 * sy - sx * dy1) / det;
  }
  const w = g * u + h * v + 1;
  return [
    ((x1 - x0 + g * x1) * u + (x3 - x0 + h * x3) * v + x0) / w,
    ((y1 - y0 + g * y1) * u + (y3 - y0 + h * y3) * v + y0) / w,
  ];
}

/** The reference picture's corners mapped into the query. */
export function projectCorners(h: ArrayLike<number>, width: number, height: number): Quad {
  return [project(h, 0, 0), project(h, width, 0), project(h, width, height), project(h, 0, height)];
}

function polygonArea(q: Quad): number {
  let a = 0;
  for (let i = 0; i < 4; i++) {
    const [x1, y1] = q[i]!;
    const [x2, y2] = q[(i + 1) % 4]!;
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}

/** Bounds of a plausible board outline: how much larger or smaller than the reference it may be. */
const MIN_SCALE = 0.1;
const MAX_SCALE = 8;
/** The shortest side against the longest: below this, the quad has collapsed to a sliver. */
const MIN_SIDE_RATIO = 0.08;

/**
 * Whether a homography's outline is one a real board can have: every corner finite and in front
 * of the camera, a convex quad with the reference's orientation (a flipped one turns the other
 * way), not collapsed, and not absurdly scaled against the reference.
 */
export function plausibleOutline(h: ArrayLike<number>, refWidth: number, refHeight: number): Quad | null {
  for (const [x, y] of [
    [0, 0],
    [refWidth, 0],
    [refWidth, refHeight],
    [0, refHeight],
  ] as const) {
    if (!(h[6]! * x + h[7]! * y + h[8]! > 0)) return null;
  }
  const q = projectCorners(h, refWidth, refHeight);
  if (!q.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) return null;
  // y points down: the reference's corners, in order, turn the same way at every corner (convex)
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = q[i]!;
    const [bx, by] = q[(i + 1) % 4]!;
    const [cx, cy] = q[(i + 2) % 4]!;
    if ((bx - ax) * (cy - by) - (by - ay) * (cx - bx) <= 0) return null;
  }
  const scale = Math.sqrt(polygonArea(q) / (refWidth * refHeight));
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) return null;
  const sides = q.map((p, i) => Math.hypot(q[(i + 1) % 4]![0] - p[0], q[(i + 1) % 4]![1] - p[1]));
  if (Math.min(...sides) < MIN_SIDE_RATIO * Math.max(...sides)) return null;
  return q;
}
