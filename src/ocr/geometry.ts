import type { Point, Quad } from './types.ts';

/** A connected region of the detector's text mask. */
export interface Region {
  /** Corners of its pixels' outline (enough for the convex hull: each row's outermost pixels). */
  outline: Point[];
  /** Pixels in the region. */
  pixels: number;
  /** Sum of the probability map over its pixels (mean = score / pixels). */
  score: number;
}

/** A rotated rectangle: centre, unit axis along its width, and its extent along each axis. */
export interface RotatedRect {
  cx: number;
  cy: number;
  /** Unit vector of the width axis. */
  ux: number;
  uy: number;
  width: number;
  height: number;
}

/**
 * 8-connected regions of `mask` (non-zero pixels), with the probability summed over each; regions
 * under `minPixels` are dropped. Flood fill with an explicit stack.
 */
export function regions(
  mask: Uint8Array,
  prob: Float32Array,
  width: number,
  height: number,
  minPixels: number,
): Region[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const rowMin = new Int32Array(height).fill(width);
  const rowMax = new Int32Array(height).fill(-1);
  const out: Region[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let pixels = 0;
    let score = 0;
    let y0 = height;
    let y1 = -1;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      score += prob[i]!;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (mask[j] !== 0 && seen[j] === 0) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    const outline: Point[] = [];
    for (let r = y0; r <= y1; r++) {
      if (rowMax[r]! >= 0) {
        outline.push([rowMin[r]!, r], [rowMin[r]!, r + 1], [rowMax[r]! + 1, r], [rowMax[r]! + 1, r + 1]);
      }
      rowMin[r] = width;
      rowMax[r] = -1;
    }
    if (pixels >= minPixels) out.push({ outline, pixels, score });
  }
  return out;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull, counter-clockwise (Andrew's monotone chain). */
export function convexHull(points: readonly Point[]): Point[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The smallest rectangle around a convex hull: one of its sides lies on a hull edge (rotating calipers). */
export function minAreaRect(hull: readonly Point[]): RotatedRect {
  let best: RotatedRect = { cx: 0, cy: 0, ux: 1, uy: 0, width: 0, height: 0 };
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      // Keep the width axis the more horizontal one, so text lines come out as width x height.
      const horizontal = Math.abs(ux) >= Math.abs(uy);
      best = {
        cx: cu * ux - cv * uy,
        cy: cu * uy + cv * ux,
        ux: horizontal ? ux : uy,
        uy: horizontal ? uy : -ux,
        width: horizontal ? maxU - minU : maxV - minV,
        height: horizontal ? maxV - minV : maxU - minU,
      };
      if (best.ux < 0) {
        best.ux = -best.ux;
        best.uy = -best.uy;
      }
    }
  }
  return best;
}

/**
 * Grows a rectangle by DB's unclip distance (area * ratio / perimeter on every side): the detector
 * is trained to mark a shrunk core of each text line.
 */
export function unclip(r: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (r.width + r.height);
  const d = perimeter > 0 ? (r.width * r.height * ratio) / perimeter : 0;
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}

/** Corners clockwise from the top-left (image y grows downwards), scaled by sx, sy. */
export function corners(r: RotatedRect, sx = 1, sy = 1): Quad {
  const hx = (r.ux * r.width) / 2;
  const hy = (r.uy * r.width) / 2;
  // The height axis, pointing down the image.
  const vx = (-r.uy * r.height) / 2;
  const vy = (r.ux * r.height) / 2;
  const p = (x: number, y: number): [number, number] => [x * sx, y * sy];
  return [
    p(r.cx - hx - vx, r.cy - hy - vy),
    p(r.cx + hx - vx, r.cy + hy - vy),
    p(r.cx + hx + vx, r.cy + hy + vy),
    p(r.cx - hx + vx, r.cy - hy + vy),
  ];
}

/** Reading order: top to bottom, left to right within a row (PaddleOCR's sorted_boxes). */
export function readingOrder<T extends { box: Quad }>(items: T[], rowTolerance: number): T[] {
  const sorted = [...items].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = sorted[j]!;
      const b = sorted[j + 1]!;
      if (Math.abs(b.box[0][1] - a.box[0][1]) < rowTolerance && b.box[0][0] < a.box[0][0]) {
        sorted[j] = b;
        sorted[j + 1] = a;
      } else break;
    }
  }
  return sorted;
}
