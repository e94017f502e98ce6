import sharp from 'sharp';
import { GOLD_PLATING, shade, TIN } from './color.ts';
import { chipGridSvg } from './render-chips.ts';
import { type PartContext, partSvg } from './render-parts.ts';
import { Rng } from './rng.ts';
import { circlePath, defaultTextMode, n, rect, type TextMode } from './svg.ts';
import type { BoardType } from './types.ts';

export interface BoardSvg {
  /** Goes inside <defs>; ids are prefixed with the board's seed. */
  defs: string;
  /** Board in millimetres, origin at its top-left corner. */
  body: string;
}

/** Outline with the mounting holes cut out (even-odd), so the bench shows through them. */
function outlinePath(t: BoardType): string {
  const r = Math.min(t.cornerRadius, t.width / 4, t.height / 4);
  const { width: w, height: h } = t;
  let d = `M${n(r)} 0H${n(w - r)}A${n(r)} ${n(r)} 0 0 1 ${n(w)} ${n(r)}V${n(h - r)}A${n(r)} ${n(r)} 0 0 1 ${n(w - r)} ${n(h)}H${n(r)}A${n(r)} ${n(r)} 0 0 1 0 ${n(h - r)}V${n(r)}A${n(r)} ${n(r)} 0 0 1 ${n(r)} 0z`;
  for (const hole of t.holes) d += circlePath(hole.x, hole.y, hole.r);
  return d;
}

function surfaceSvg(t: BoardType, id: string): { defs: string; body: string } {
  const outline = outlinePath(t);
  const base = `<path d="${outline}" fill="${t.surface.color}" fill-rule="evenodd"/>`;
  const edge = `<path d="${outline}" fill="none" fill-rule="evenodd" stroke="${shade(t.surface.color, -0.45)}" stroke-width="0.8"/>`;
  const sheenDefs = `<linearGradient id="${id}-sheen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.16"/><stop offset="0.5" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.18"/></linearGradient>`;
  const sheen = `<path d="${outline}" fill="url(#${id}-sheen)" fill-rule="evenodd"/>`;
  if (t.surface.material === 'pcb') {
    let rings = '';
    const plating = t.seed % 2 === 0 ? GOLD_PLATING : TIN;
    for (const hole of t.holes)
      rings += circlePath(hole.x, hole.y, hole.r + 1.4) + circlePath(hole.x, hole.y, hole.r);
    return {
      defs: sheenDefs,
      body: `${base}<path d="${rings}" fill="${plating}" fill-rule="evenodd"/>${sheen}${edge}`,
    };
  }
  // Brushed metal: a tile of faint streaks repeated along the box.
  const rng = new Rng(t.seed).child('grain');
  let streaks = '';
  for (let i = 0; i < 14; i++) {
    const light = rng.bool(0.5);
    streaks += rect(
      rng.float(-10, 30),
      rng.float(0, 4),
      rng.float(15, 45),
      rng.float(0.08, 0.25),
      light ? '#fff' : '#000',
      `opacity="${n(rng.float(0.05, 0.2) * t.surface.grain)}"`,
    );
  }
  const grainDefs = `<pattern id="${id}-grain" patternUnits="userSpaceOnUse" width="40" height="4">${streaks}</pattern>`;
  return {
    defs: sheenDefs + grainDefs,
    body: `${base}<path d="${outline}" fill="url(#${id}-grain)"/>${sheen}${edge}`,
  };
}

export function boardSvg(t: BoardType, opts: { pxPerMm: number; textMode?: TextMode }): BoardSvg {
  const id = `b${t.seed.toString(36)}${t.kind[0]}`;
  const ctx: PartContext = { mode: opts.textMode ?? defaultTextMode(), pxPerMm: opts.pxPerMm };
  const surface = surfaceSvg(t, id);
  const defs = surface.defs;
  let body = surface.body;
  for (const p of t.parts) body += partSvg(p, ctx);
  if (t.chips) body += chipGridSvg(t.chips, opts.pxPerMm);
  for (const p of t.overlay) body += partSvg(p, ctx);
  return { defs, body };
}

export interface RenderedBoard {
  png: Buffer;
  width: number;
  height: number;
}

/** Renders a board type alone on a transparent background (default 4 px per millimetre). */
export async function renderBoard(
  type: BoardType,
  opts: { pixelsPerUnit?: number; textMode?: TextMode } = {},
): Promise<RenderedBoard> {
  const ppu = opts.pixelsPerUnit ?? 4;
  const width = Math.max(1, Math.round(type.width * ppu));
  const height = Math.max(1, Math.round(type.height * ppu));
  const svg = boardSvg(type, { pxPerMm: ppu, ...(opts.textMode ? { textMode: opts.textMode } : {}) });
  const doc = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${n(type.width)} ${n(type.height)}" preserveAspectRatio="none"><defs>${svg.defs}</defs>${svg.body}</svg>`;
  const png = await sharp(Buffer.from(doc)).png().toBuffer();
  return { png, width, height };
}
