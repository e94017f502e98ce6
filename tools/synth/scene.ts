import { BACKGROUND_KINDS, type BackgroundKind, backgroundSvg } from './background.ts';
import { type CameraEffects, shoot } from './camera.ts';
import { type ClutterKind, clutterSvg } from './clutter.ts';
import { DEFAULT_NUISANCE, type Nuisance, resolveNuisance } from './nuisance.ts';
import {
  OCCLUDER_KINDS,
  type OccluderKind,
  occluderSvg,
  type PlacedProp,
  type SceneFrame,
} from './occluders.ts';
import {
  type BoardPose,
  type Box,
  benchPxPerMm,
  boundsOf,
  clipBox,
  corners,
  drawPose,
  poseMatrix,
} from './pose.ts';
import { boardSvg } from './render-board.ts';
import { Rng } from './rng.ts';
import { n, type TextMode } from './svg.ts';
import type { BoardKind, BoardType } from './types.ts';

export type { BackgroundKind } from './background.ts';
export type { CameraEffects } from './camera.ts';
export type { BoardPose, Box } from './pose.ts';

export interface BenchViewOptions {
  width: number;
  height: number;
  /** Strengths over DEFAULT_NUISANCE; pass NO_NUISANCE fields (or nuisanceOnly()) for controlled views. */
  nuisance?: Partial<Nuisance>;
  /** JPEG quality before the `jpeg` nuisance lowers it (default 85). */
  quality?: number;
  /** Forces the bench surface; default: chosen by the view seed. */
  background?: BackgroundKind;
  /** Smaller JPEGs for files that are kept (slower); default false. */
  mozjpeg?: boolean;
  /** Replaces drawn pose fields (e.g. to animate a board being put down). */
  pose?: Partial<BoardPose>;
  textMode?: TextMode;
}

export interface ViewMeta {
  viewSeed: number;
  width: number;
  height: number;
  background: BackgroundKind;
  nuisance: Nuisance;
  board: {
    seed: number;
    kind: BoardKind;
    pose: BoardPose;
    /** Board corners in frame pixels: top-left, top-right, bottom-right, bottom-left of the board. */
    corners: Array<[number, number]>;
    /** Axis-aligned box around the board, clipped to the frame, pixels. */
    bbox: Box;
  } | null;
  lighting: { exposure: number; gradient: number; gradientAngleDeg: number; vignette: number };
  glare: { x: number; y: number; radius: number; intensity: number } | null;
  shadow: { dx: number; dy: number; blur: number; opacity: number } | null;
  camera: CameraEffects;
  occluders: Array<PlacedProp<OccluderKind>>;
  clutter: Array<PlacedProp<ClutterKind>>;
}

function lightingSvg(
  rng: Rng,
  s: number,
  f: SceneFrame,
): { defs: string; body: string; meta: ViewMeta['lighting'] } {
  const angle = rng.float(0, 360);
  const gradient = s * rng.float(0.2, 0.45);
  const vignette = s * rng.float(0.1, 0.35);
  const exposure = s === 0 ? 1 : Math.exp(s * rng.sign() * rng.float(0.12, 0.35));
  const meta = { exposure, gradient, gradientAngleDeg: angle, vignette };
  if (s === 0) return { defs: '', body: '', meta };
  const a = (angle * Math.PI) / 180;
  const [x1, y1, x2, y2] = [
    0.5 - Math.cos(a) / 2,
    0.5 - Math.sin(a) / 2,
    0.5 + Math.cos(a) / 2,
    0.5 + Math.sin(a) / 2,
  ];
  const defs =
    `<linearGradient id="light" x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"><stop offset="0" stop-color="#000" stop-opacity="${n(gradient)}"/><stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#fff" stop-opacity="${n(gradient * 0.6)}"/></linearGradient>` +
    `<radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75"><stop offset="0.45" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${n(vignette)}"/></radialGradient>`;
  const body = `<rect width="${f.width}" height="${f.height}" fill="url(#light)"/><rect width="${f.width}" height="${f.height}" fill="url(#vignette)"/>`;
  return { defs, body, meta };
}

function glareSvg(
  rng: Rng,
  s: number,
  f: SceneFrame,
  board: Box | null,
): { defs: string; body: string; meta: ViewMeta['glare'] } {
  const onBoard = board !== null && board.width > 0 && rng.bool(0.7);
  const x = onBoard ? board.x + rng.float(0.1, 0.9) * board.width : rng.float(0, f.width);
  const y = onBoard ? board.y + rng.float(0.1, 0.9) * board.height : rng.float(0, f.height);
  const radius = rng.float(0.08, 0.25) * f.width;
  const intensity = s * rng.float(0.45, 0.9);
  if (s === 0) return { defs: '', body: '', meta: null };
  const defs = `<radialGradient id="glare"><stop offset="0" stop-color="#fff" stop-opacity="${n(intensity)}"/><stop offset="0.35" stop-color="#fff" stop-opacity="${n(intensity * 0.55)}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>`;
  const body = `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(radius)}" ry="${n(radius * rng.float(0.5, 1))}" transform="rotate(${n(rng.float(0, 180))} ${n(x)} ${n(y)})" fill="url(#glare)"/>`;
  return { defs, body, meta: { x, y, radius, intensity } };
}

function cameraEffects(
  rng: Rng,
  nu: Nuisance,
  quality: number,
  exposure: number,
  mozjpeg: boolean,
): CameraEffects {
  const blurRng = rng.child('blur');
  const motion = blurRng.bool(0.35);
  const amount = blurRng.float(0.2, 1);
  const blur: CameraEffects['blur'] =
    nu.blur === 0
      ? null
      : motion
        ? { kind: 'motion', length: 2 + nu.blur * 12 * amount, angleDeg: blurRng.float(0, 180) }
        : { kind: 'gaussian', sigma: 0.3 + nu.blur * 2.7 * amount };
  const tempRng = rng.child('colorTemp');
  const warm = nu.colorTemp * tempRng.float(-1, 1) * 0.18;
  const tint = nu.colorTemp * tempRng.float(-1, 1) * 0.04;
  const noiseRng = rng.child('noise');
  const jpegRng = rng.child('jpeg');
  return {
    blur,
    gains: [exposure * (1 + warm), exposure * (1 + tint), exposure * (1 - warm)],
    noiseSigma: nu.noise * noiseRng.float(2.5, 9),
    noiseSeed: noiseRng.seedValue(),
    jpegQuality: Math.round(quality - nu.jpeg * (quality - 12) * jpegRng.float(0.4, 1)),
    mozjpeg,
  };
}

/**
 * One overhead camera frame of the bench, with `board` (null: empty bench) placed and disturbed as
 * the nuisance strengths say. Deterministic: the same arguments give byte-identical JPEGs.
 */
export async function renderBenchView(
  board: BoardType | null,
  viewSeed: number,
  opts: BenchViewOptions,
): Promise<{ jpeg: Buffer; meta: ViewMeta; occluderLayer: string | null }> {
  const rng = new Rng(viewSeed);
  const nu = resolveNuisance(opts.nuisance ?? {}, DEFAULT_NUISANCE);
  const f: SceneFrame = {
    width: Math.round(opts.width),
    height: Math.round(opts.height),
    pxPerMm: benchPxPerMm(opts.width),
  };
  const background = opts.background ?? rng.child('background-kind').pick(BACKGROUND_KINDS);
  const bg = backgroundSvg(background, rng.child('background'), f);
  let defs = bg.defs;
  let body = bg.body;

  const clutter: Array<PlacedProp<ClutterKind>> = [];
  const clutterRng = rng.child('clutter');
  const clutterCount = Math.floor(nu.clutter * (clutterRng.float(0, 12) + 3));
  for (let i = 0; i < clutterCount; i++) {
    const c = clutterSvg(clutterRng.child(i), f);
    body += c.svg;
    clutter.push(c.placed);
  }

  let boardMeta: ViewMeta['board'] = null;
  let shadowMeta: ViewMeta['shadow'] = null;
  if (board) {
    const pose = drawPose(rng.child('pose'), nu, board, f, opts.pose);
    const m = poseMatrix(pose, board.width, board.height);
    const pts = corners(m, board.width, board.height);
    boardMeta = {
      seed: board.seed,
      kind: board.kind,
      pose,
      corners: pts,
      bbox: clipBox(boundsOf(pts), f.width, f.height),
    };
    const outline = `M${pts.map((p) => `${n(p[0])} ${n(p[1])}`).join('L')}z`;
    if (nu.shadow > 0) {
      const sr = rng.child('shadow');
      const a = sr.float(0, Math.PI * 2);
      const dist = nu.shadow * sr.float(3, 10) * f.pxPerMm;
      shadowMeta = {
        dx: Math.cos(a) * dist,
        dy: Math.sin(a) * dist,
        blur: 1 + nu.shadow * 5,
        opacity: nu.shadow * 0.55,
      };
      defs += `<filter id="board-shadow" x="-0.2" y="-0.2" width="1.4" height="1.4"><feGaussianBlur stdDeviation="${n(shadowMeta.blur)}"/></filter>`;
      body += `<path d="${outline}" transform="translate(${n(shadowMeta.dx)} ${n(shadowMeta.dy)})" fill="#000" opacity="${n(shadowMeta.opacity)}" filter="url(#board-shadow)"/>`;
    }
    const svg = boardSvg(board, {
      pxPerMm: pose.pxPerMm,
      ...(opts.textMode ? { textMode: opts.textMode } : {}),
    });
    defs += svg.defs;
    body += `<g transform="matrix(${m.map(n).join(' ')})">${svg.body}</g>`;
  }

  const occluders: Array<PlacedProp<OccluderKind>> = [];
  let occluderBody = '';
  const occRng = rng.child('occlusion');
  const occCount = Math.floor(nu.occlusion * (occRng.float(0, 3) + 1));
  for (let i = 0; i < occCount; i++) {
    const r = occRng.child(i);
    const kind = r.pick(OCCLUDER_KINDS);
    const b = boardMeta?.bbox;
    const target: [number, number] = b
      ? [b.x + r.float(0.1, 0.9) * b.width, b.y + r.float(0.1, 0.9) * b.height]
      : [r.float(0.2, 0.8) * f.width, r.float(0.2, 0.8) * f.height];
    const o = occluderSvg(r, kind, target, f);
    body += o.svg;
    occluderBody += o.svg;
    occluders.push(o.placed);
  }
  if (occCount > 0)
    defs +=
      '<filter id="soft" x="-0.1" y="-0.1" width="1.2" height="1.2"><feGaussianBlur stdDeviation="3"/></filter>';

  const light = lightingSvg(rng.child('lighting'), nu.lighting, f);
  const glare = glareSvg(rng.child('glare'), nu.glare, f, boardMeta?.bbox ?? null);
  defs += light.defs + glare.defs;
  body += light.body + glare.body;

  const camera = cameraEffects(rng, nu, opts.quality ?? 85, light.meta.exposure, opts.mozjpeg ?? false);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}"><defs>${defs}</defs>${body}</svg>`;
  const jpeg = await shoot(svg, f.width, f.height, camera);
  // what lies over the board alone, for a truth of which parts it covers (their soft shadows stay faint)
  const occluderLayer =
    occCount > 0
      ? `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}"><defs><filter id="soft" x="-0.1" y="-0.1" width="1.2" height="1.2"><feGaussianBlur stdDeviation="3"/></filter></defs>${occluderBody}</svg>`
      : null;
  return {
    occluderLayer,
    jpeg,
    meta: {
      viewSeed: viewSeed >>> 0,
      width: f.width,
      height: f.height,
      background,
      nuisance: nu,
      board: boardMeta,
      lighting: light.meta,
      glare: glare.meta,
      shadow: shadowMeta,
      camera,
      occluders,
      clutter,
    },
  };
}
