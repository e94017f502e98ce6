import { shade } from './color.ts';
import { apply, type Box, boundsOf, clipBox, type Mat, multiply } from './pose.ts';
import type { Rng } from './rng.ts';
import { n, silhouette } from './svg.ts';

export type OccluderKind = 'hand' | 'screwdriver' | 'cable';

export const OCCLUDER_KINDS: readonly OccluderKind[] = ['hand', 'screwdriver', 'cable'];

export interface PlacedProp<K extends string> {
  kind: K;
  /** Frame pixels, clipped to the frame. */
  bbox: Box;
}

export interface SceneFrame {
  width: number;
  height: number;
  pxPerMm: number;
}

/** A rounded bar from (x, y) along +y, `len` long and `w` wide, in local millimetres. */
function capsule(x: number, y: number, w: number, len: number, fill: string, extra = ''): string {
  return `<rect x="${n(x - w / 2)}" y="${n(y)}" width="${n(w)}" height="${n(len)}" rx="${n(w / 2)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

function local(m: Mat): string {
  return `matrix(${m.map(n).join(' ')})`;
}

/** Rotation by `deg` and scale `s` about the origin, then a move to (tx, ty). */
function place(tx: number, ty: number, deg: number, s: number): Mat {
  const a = (deg * Math.PI) / 180;
  return multiply([Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), tx, ty], [s, 0, 0, s, 0, 0]);
}

/** Shape drawn twice: a soft offset shadow, then the shape itself. */
function withShadow(m: Mat, shape: string, f: SceneFrame): string {
  const off = 4 * f.pxPerMm;
  const shadowM = multiply([1, 0, 0, 1, off, off * 1.3], m);
  return `<g filter="url(#soft)" opacity="0.3"><g transform="${local(shadowM)}">${silhouette(shape)}</g></g><g transform="${local(m)}">${shape}</g>`;
}

const SKIN = ['#e3b08f', '#c98c66', '#9a6443', '#f0c9a8', '#6b4530', '#b97d57'];
const GLOVES = ['#3a6fd8', '#2b2b2e', '#e9e9e6', '#7a4fc7'];
const SLEEVES = ['#2d3a4f', '#5b5f66', '#1f1f22', '#7a2d2d', '#3c5a3a', '#c9c3b5'];

function hand(
  rng: Rng,
  target: [number, number],
  f: SceneFrame,
): { svg: string; points: Array<[number, number]> } {
  const skin = rng.bool(0.35) ? rng.pick(GLOVES) : rng.pick(SKIN);
  const edge = shade(skin, -0.25);
  const sleeve = rng.pick(SLEEVES);
  const mirror = rng.bool(0.5) ? -1 : 1;
  const spread = rng.float(0.6, 1.4);
  const curl = rng.float(0.55, 1);
  let shape = capsule(0, 60, 78, 700, sleeve) + capsule(0, -10, 62, 120, skin);
  shape += `<ellipse cx="0" cy="-52" rx="44" ry="54" fill="${skin}" stroke="${edge}" stroke-width="1.2"/>`;
  const fingers: Array<[number, number, number]> = [
    [-30, 56, -11],
    [-10, 72, -3],
    [10, 76, 3],
    [30, 64, 10],
  ];
  for (const [fx, len, deg] of fingers) {
    const l = len * curl;
    shape += `<g transform="translate(${fx * mirror} -92) rotate(${n(deg * spread * mirror + 180)})">${capsule(0, -8, 17, l + 8, skin, `stroke="${edge}" stroke-width="1"`)}</g>`;
  }
  shape += `<g transform="translate(${-38 * mirror} -38) rotate(${n(130 * mirror)})">${capsule(0, 0, 22, 64 * curl, skin, `stroke="${edge}" stroke-width="1"`)}</g>`;
  shape += `<ellipse cx="${8 * mirror}" cy="-62" rx="24" ry="30" fill="#fff" opacity="0.08"/>`;
  const angle = rng.normal(0, 50);
  const reach = 120 + 70 * curl;
  const a = (angle * Math.PI) / 180;
  const tip: [number, number] = [Math.sin(a) * reach, -Math.cos(a) * reach];
  const m = place(target[0] - tip[0] * f.pxPerMm, target[1] - tip[1] * f.pxPerMm, angle, f.pxPerMm);
  const outline = [
    [-70, -190],
    [70, -190],
    [-60, 0],
    [60, 0],
    [-40, 760],
    [40, 760],
  ].map(([x, y]) => apply(m, x as number, y as number));
  return { svg: withShadow(m, shape, f), points: outline };
}

function screwdriver(
  rng: Rng,
  target: [number, number],
  f: SceneFrame,
): { svg: string; points: Array<[number, number]> } {
  const color = rng.pick(['#d62828', '#f2c012', '#1d4ed8', '#18181b', '#2e8b57', '#e0672a']);
  const shaftLen = rng.float(80, 160);
  const handleLen = rng.float(85, 115);
  const hw = rng.float(22, 30);
  let shape =
    capsule(0, -shaftLen, 6, shaftLen + 10, '#c3c8ce') + capsule(-1, -shaftLen, 2, shaftLen, '#eef1f4');
  shape += `<path d="M-3 ${n(-shaftLen)}L0 ${n(-shaftLen - 8)}L3 ${n(-shaftLen)}z" fill="#8d939a"/>`;
  shape += capsule(0, 0, hw, handleLen, color);
  for (let i = 1; i < 6; i++)
    shape += `<rect x="${n(-hw / 2)}" y="${n((i * handleLen) / 6)}" width="${n(hw)}" height="2.5" fill="${shade(color, -0.35)}"/>`;
  shape += capsule(-hw / 4, 4, hw / 5, handleLen - 8, '#fff', 'opacity="0.25"');
  const m = place(target[0], target[1], rng.float(0, 360), f.pxPerMm);
  const outline = [
    [-hw, -shaftLen - 8],
    [hw, -shaftLen - 8],
    [-hw, handleLen],
    [hw, handleLen],
  ].map(([x, y]) => apply(m, x as number, y as number));
  return { svg: withShadow(m, shape, f), points: outline };
}

function edgePoint(rng: Rng, f: SceneFrame): [number, number] {
  const t = rng.float(0, 1);
  switch (rng.int(0, 3)) {
    case 0:
      return [t * f.width, -20];
    case 1:
      return [f.width + 20, t * f.height];
    case 2:
      return [t * f.width, f.height + 20];
    default:
      return [-20, t * f.height];
  }
}

function cable(
  rng: Rng,
  target: [number, number],
  f: SceneFrame,
): { svg: string; points: Array<[number, number]> } {
  const style = rng.pick(['power', 'ribbon', 'thin'] as const);
  const width =
    (style === 'ribbon' ? rng.float(16, 22) : style === 'power' ? rng.float(7, 12) : rng.float(3, 5)) *
    f.pxPerMm;
  const color =
    style === 'ribbon'
      ? rng.pick(['#b9bcc0', '#d8d8d2', '#9aa0a6'])
      : rng.pick(['#151517', '#2b2b2e', '#c62828', '#1d4ed8', '#e8e8e4', '#f2c012']);
  const p0 = edgePoint(rng, f);
  const p3 = edgePoint(rng, f);
  const jitter = (): number => rng.float(-0.25, 0.25) * f.width;
  const p1: [number, number] = [
    2 * target[0] - (p0[0] + p3[0]) / 2 + jitter(),
    2 * target[1] - (p0[1] + p3[1]) / 2 + jitter(),
  ];
  const p2: [number, number] = [target[0] + jitter(), target[1] + jitter()];
  const d = `M${n(p0[0])} ${n(p0[1])}C${n(p1[0])} ${n(p1[1])} ${n(p2[0])} ${n(p2[1])} ${n(p3[0])} ${n(p3[1])}`;
  const off = 3 * f.pxPerMm;
  const svg =
    `<path d="${d}" transform="translate(${n(off)} ${n(off * 1.3)})" fill="none" stroke="#000" stroke-width="${n(width)}" opacity="0.25" filter="url(#soft)"/>` +
    `<path d="${d}" fill="none" stroke="${color}" stroke-width="${n(width)}" stroke-linecap="round"/>` +
    (style === 'ribbon'
      ? `<path d="${d}" fill="none" stroke="${shade(color, -0.3)}" stroke-width="${n(width * 0.55)}" opacity="0.3"/>`
      : '') +
    `<path d="${d}" transform="translate(${n(-width * 0.18)} ${n(-width * 0.18)})" fill="none" stroke="#fff" stroke-width="${n(width * 0.2)}" opacity="0.25"/>`;
  return { svg, points: [p0, p1, p2, p3] };
}

/** An occluder reaching over `target` (a point on the board, or anywhere on an empty bench). */
export function occluderSvg(
  rng: Rng,
  kind: OccluderKind,
  target: [number, number],
  f: SceneFrame,
): { svg: string; placed: PlacedProp<OccluderKind> } {
  const drawn =
    kind === 'hand'
      ? hand(rng, target, f)
      : kind === 'screwdriver'
        ? screwdriver(rng, target, f)
        : cable(rng, target, f);
  return { svg: drawn.svg, placed: { kind, bbox: clipBox(boundsOf(drawn.points), f.width, f.height) } };
}
