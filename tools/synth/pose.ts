import type { Nuisance } from './nuisance.ts';
import type { Rng } from './rng.ts';

/** Where a board lies in the frame. */
export interface BoardPose {
  /** Board centre, frame pixels. */
  cx: number;
  cy: number;
  /** Clockwise rotation, degrees. */
  angleDeg: number;
  /** Frame pixels per board millimetre. */
  pxPerMm: number;
  /** Horizontal shear (tan of the skew angle) in board coordinates. */
  shear: number;
  /** Foreshortening: the board's short axis is scaled by this (1: none). */
  squash: number;
}

/** SVG matrix [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f. */
export type Mat = [number, number, number, number, number, number];

export function multiply(m: Mat, k: Mat): Mat {
  return [
    m[0] * k[0] + m[2] * k[1],
    m[1] * k[0] + m[3] * k[1],
    m[0] * k[2] + m[2] * k[3],
    m[1] * k[2] + m[3] * k[3],
    m[0] * k[4] + m[2] * k[5] + m[4],
    m[1] * k[4] + m[3] * k[5] + m[5],
  ];
}

export function apply(m: Mat, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** Board millimetres (origin top-left) to frame pixels. */
export function poseMatrix(pose: BoardPose, boardW: number, boardH: number): Mat {
  const a = (pose.angleDeg * Math.PI) / 180;
  const rot: Mat = [Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), pose.cx, pose.cy];
  const shear: Mat = [1, 0, pose.shear, 1, 0, 0];
  const scale: Mat = [pose.pxPerMm, 0, 0, pose.pxPerMm * pose.squash, 0, 0];
  const centre: Mat = [1, 0, 0, 1, -boardW / 2, -boardH / 2];
  return multiply(multiply(multiply(rot, shear), scale), centre);
}

export function corners(m: Mat, w: number, h: number): Array<[number, number]> {
  return [apply(m, 0, 0), apply(m, w, 0), apply(m, w, h), apply(m, 0, h)];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boundsOf(points: ReadonlyArray<readonly [number, number]>): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export function clipBox(b: Box, width: number, height: number): Box {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(width, b.x + b.width);
  const y1 = Math.min(height, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** Millimetres per frame width a bench camera typically covers: a 400 mm hashboard fills ~85 %. */
export function benchPxPerMm(frameWidth: number): number {
  return (0.85 * frameWidth) / 400;
}

/**
 * Draws a pose from per-nuisance streams, then shrinks it to fit the frame and keeps the board
 * inside. Fields of `override` replace drawn values and skip the fitting they would affect.
 */
export function drawPose(
  rng: Rng,
  nuisance: Nuisance,
  board: { width: number; height: number },
  frame: { width: number; height: number },
  override: Partial<BoardPose> = {},
): BoardPose {
  // `+ 0` turns -0 (a zero strength times a negative draw) into 0.
  const u = (name: string): number => rng.child(name).float(-1, 1);
  const angleDeg = override.angleDeg ?? nuisance.rotation * 180 * u('rotation') + 0;
  const shear = override.shear ?? nuisance.skew * 0.25 * u('skew') + 0;
  const squash = override.squash ?? 1 - nuisance.skew * 0.15 * Math.abs(u('squash'));
  let pxPerMm = override.pxPerMm ?? benchPxPerMm(frame.width) * 2 ** (nuisance.scale * 0.5 * u('scale'));
  const unit = { cx: 0, cy: 0, angleDeg, pxPerMm: 1, shear, squash };
  const size = boundsOf(corners(poseMatrix(unit, board.width, board.height), board.width, board.height));
  if (override.pxPerMm === undefined) {
    pxPerMm = Math.min(pxPerMm, (0.96 * frame.width) / size.width, (0.96 * frame.height) / size.height);
  }
  const roomX = Math.max(0, (frame.width - size.width * pxPerMm) / 2 - 2);
  const roomY = Math.max(0, (frame.height - size.height * pxPerMm) / 2 - 2);
  const position = rng.child('position');
  const cx = override.cx ?? frame.width / 2 + nuisance.position * roomX * position.float(-1, 1);
  const cy = override.cy ?? frame.height / 2 + nuisance.position * roomY * position.float(-1, 1);
  return { cx, cy, angleDeg, pxPerMm, shear, squash };
}
