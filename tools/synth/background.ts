import { hsl, shade } from './color.ts';
import type { Rng } from './rng.ts';
import { circle, n, rect } from './svg.ts';

export type BackgroundKind = 'wood' | 'esd-mat' | 'metal';

export const BACKGROUND_KINDS: readonly BackgroundKind[] = ['wood', 'esd-mat', 'metal'];

interface Frame {
  width: number;
  height: number;
  /** Frame pixels per millimetre of bench, to size planks, grid cells and streaks. */
  pxPerMm: number;
}

/** Wavy grain lines with a few knots, on planks of slightly different tone. */
function wood(rng: Rng, f: Frame): string {
  const base = hsl(rng.float(22, 38), rng.float(0.35, 0.55), rng.float(0.35, 0.62));
  const vertical = rng.bool(0.3);
  const angle = (vertical ? 90 : 0) + rng.float(-4, 4);
  const span = Math.hypot(f.width, f.height);
  const plank = rng.float(90, 220) * f.pxPerMm;
  let out = rect(0, 0, f.width, f.height, base);
  out += `<g transform="translate(${n(f.width / 2)} ${n(f.height / 2)}) rotate(${n(angle)}) translate(${n(-span / 2)} ${n(-span / 2)})">`;
  for (let y = 0; y < span; y += plank) {
    out += rect(0, y, span, plank, shade(base, rng.float(-0.12, 0.1)), `opacity="${n(rng.float(0.4, 0.9))}"`);
    let dark = '';
    let light = '';
    const lines = Math.round(rng.float(7, 14) * (plank / (120 * f.pxPerMm)));
    for (let i = 0; i < lines; i++) {
      const y0 = y + rng.float(0, plank);
      const amp = rng.float(1, 6) * f.pxPerMm;
      const period = rng.float(60, 200) * f.pxPerMm;
      let d = `M0 ${n(y0)}`;
      for (let x = 0; x < span; x += period) {
        d += `Q${n(x + period / 2)} ${n(y0 + rng.sign() * amp)} ${n(x + period)} ${n(y0 + rng.float(-1, 1) * amp * 0.3)}`;
      }
      if (rng.bool(0.75)) dark += d;
      else light += d;
    }
    out += `<path d="${dark}" fill="none" stroke="${shade(base, -0.45)}" stroke-width="${n(Math.max(0.6, 0.8 * f.pxPerMm))}" opacity="0.35"/>`;
    out += `<path d="${light}" fill="none" stroke="${shade(base, 0.3)}" stroke-width="${n(Math.max(0.6, 1.2 * f.pxPerMm))}" opacity="0.25"/>`;
    out += rect(0, y, span, Math.max(1, 0.8 * f.pxPerMm), shade(base, -0.5), 'opacity="0.5"');
    if (rng.bool(0.3)) {
      const kx = rng.float(0, span);
      const ky = y + rng.float(0.2, 0.8) * plank;
      out += `<ellipse cx="${n(kx)}" cy="${n(ky)}" rx="${n(rng.float(8, 20) * f.pxPerMm)}" ry="${n(rng.float(3, 6) * f.pxPerMm)}" fill="${shade(base, -0.35)}" opacity="0.45"/>`;
    }
  }
  return `${out}</g>`;
}

/** Blue or grey anti-static mat: printed grid, ground snaps, a few smudges. */
function esdMat(rng: Rng, f: Frame): string {
  const base = rng.pick([
    hsl(rng.float(205, 218), rng.float(0.35, 0.55), rng.float(0.38, 0.5)),
    hsl(rng.float(195, 215), rng.float(0.05, 0.12), rng.float(0.36, 0.52)),
    hsl(rng.float(140, 160), rng.float(0.2, 0.35), rng.float(0.3, 0.4)),
  ]);
  const cell = rng.pick([10, 20, 25, 50]) * f.pxPerMm;
  const ox = rng.float(0, cell);
  const oy = rng.float(0, cell);
  let grid = '';
  for (let x = ox; x < f.width; x += cell) grid += `M${n(x)} 0V${f.height}`;
  for (let y = oy; y < f.height; y += cell) grid += `M0 ${n(y)}H${f.width}`;
  let out = rect(0, 0, f.width, f.height, base);
  out += `<path d="${grid}" stroke="${shade(base, 0.35)}" stroke-width="${n(Math.max(0.7, 0.5 * f.pxPerMm))}" opacity="0.45"/>`;
  if (rng.bool(0.5)) {
    let dots = '';
    for (let x = ox + cell / 2; x < f.width; x += cell) {
      for (let y = oy + cell / 2; y < f.height; y += cell) dots += `M${n(x)} ${n(y)}h0.01`;
    }
    out += `<path d="${dots}" stroke="${shade(base, 0.4)}" stroke-width="${n(Math.max(1.2, 1.5 * f.pxPerMm))}" stroke-linecap="round" opacity="0.5"/>`;
  }
  for (let i = 0; i < rng.int(1, 2); i++) {
    const x = rng.float(0.05, 0.95) * f.width;
    const y = rng.bool() ? 8 * f.pxPerMm : f.height - 8 * f.pxPerMm;
    out += circle(x, y, 5 * f.pxPerMm, '#c8ccd0') + circle(x, y, 2.5 * f.pxPerMm, '#8a9096');
  }
  for (let i = 0; i < rng.int(2, 6); i++) {
    out += `<ellipse cx="${n(rng.float(0, f.width))}" cy="${n(rng.float(0, f.height))}" rx="${n(rng.float(20, 90) * f.pxPerMm)}" ry="${n(rng.float(10, 50) * f.pxPerMm)}" fill="${rng.bool() ? '#000' : '#fff'}" opacity="${n(rng.float(0.02, 0.05))}"/>`;
  }
  return out;
}

/** Brushed steel bench top: streaks in a few opacity buckets, scratches, a soft sheen. */
function metal(rng: Rng, f: Frame): string {
  const base = hsl(rng.float(200, 220), rng.float(0.02, 0.08), rng.float(0.55, 0.72));
  let out = rect(0, 0, f.width, f.height, base);
  const buckets = ['', '', '', ''];
  const streaks = Math.round(f.height / 2.2);
  for (let i = 0; i < streaks; i++) {
    const y = rng.float(0, f.height);
    const x = rng.float(-0.2, 0.9) * f.width;
    const b = rng.int(0, 3);
    buckets[b] += `M${n(x)} ${n(y)}h${n(rng.float(0.1, 0.6) * f.width)}`;
  }
  buckets.forEach((d, i) => {
    const color = i < 2 ? '#ffffff' : '#000000';
    out += `<path d="${d}" stroke="${color}" stroke-width="${n(rng.float(0.5, 1.4))}" opacity="${n(0.06 + 0.05 * (i % 2))}"/>`;
  });
  let scratches = '';
  for (let i = 0; i < rng.int(3, 12); i++) {
    const x = rng.float(0, f.width);
    const y = rng.float(0, f.height);
    const a = rng.float(0, Math.PI);
    const l = rng.float(10, 60) * f.pxPerMm;
    scratches += `M${n(x)} ${n(y)}l${n(l * Math.cos(a))} ${n(l * Math.sin(a))}`;
  }
  out += `<path d="${scratches}" stroke="#fff" stroke-width="0.7" opacity="0.3"/>`;
  out += `<rect width="${f.width}" height="${f.height}" fill="url(#bench-sheen)"/>`;
  return out;
}

/** Defs and body for the bench surface, in frame pixels. */
export function backgroundSvg(kind: BackgroundKind, rng: Rng, f: Frame): { defs: string; body: string } {
  switch (kind) {
    case 'wood':
      return { defs: '', body: wood(rng, f) };
    case 'esd-mat':
      return { defs: '', body: esdMat(rng, f) };
    case 'metal': {
      const x2 = n(rng.float(0.5, 1));
      const defs = `<linearGradient id="bench-sheen" x1="0" y1="0" x2="${x2}" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.12"/><stop offset="0.5" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.12"/></linearGradient>`;
      return { defs, body: metal(rng, f) };
    }
  }
}
