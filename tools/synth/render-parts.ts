import { shade, TIN } from './color.ts';
import { connectorSvg } from './render-connectors.ts';
import { Rng } from './rng.ts';
import { circle, circlePath, n, rect, rectPath, type TextMode, text } from './svg.ts';
import type { Capacitor, FanGrille, Footprint, Ic, Part, Screw, Sticker, VentSlots } from './types.ts';

export interface PartContext {
  mode: TextMode;
  pxPerMm: number;
}

function capacitorSvg(c: Capacitor): string {
  const top = '#c3c7cc';
  const k = c.r * 0.55;
  return (
    circle(c.x + c.r * 0.25, c.y + c.r * 0.3, c.r, '#000', 'opacity="0.35"') +
    circle(c.x, c.y, c.r, c.sleeve) +
    `<path d="M${n(c.x)} ${n(c.y - c.r)}A${n(c.r)} ${n(c.r)} 0 0 1 ${n(c.x + c.r)} ${n(c.y)}L${n(c.x)} ${n(c.y)}z" fill="${shade(c.sleeve, 0.45)}"/>` +
    circle(c.x, c.y, c.r * 0.82, top) +
    `<path d="M${n(c.x - k)} ${n(c.y)}h${n(2 * k)}M${n(c.x)} ${n(c.y - k)}v${n(2 * k)}" stroke="#7d838a" stroke-width="${n(c.r * 0.1)}"/>`
  );
}

/** A removed part's place: tinned pads inside a thin silkscreen outline. */
function footprintSvg(f: Footprint): string {
  let d = '';
  for (let i = 0; i + 3 < f.pads.length; i += 4)
    d += rectPath(
      f.pads[i] as number,
      f.pads[i + 1] as number,
      f.pads[i + 2] as number,
      f.pads[i + 3] as number,
    );
  const stroke = `fill="none" stroke="${f.silk}" stroke-width="0.25"`;
  const outline =
    f.outline === 'round'
      ? `<circle cx="${n(f.x + f.w / 2)}" cy="${n(f.y + f.h / 2)}" r="${n(Math.min(f.w, f.h) / 2)}" ${stroke}/>`
      : `<rect x="${n(f.x)}" y="${n(f.y)}" width="${n(f.w)}" height="${n(f.h)}" ${stroke}/>`;
  return `${outline}<path d="${d}" fill="${TIN}"/>`;
}

function icSvg(ic: Ic, ctx: PartContext): string {
  const shadow = rect(ic.x + 0.4, ic.y + 0.5, ic.w, ic.h, '#000', 'opacity="0.3"');
  switch (ic.role) {
    case 'inductor':
      return (
        shadow +
        rect(ic.x, ic.y, ic.w, ic.h, ic.color, `rx="${n(ic.w * 0.18)}"`) +
        rect(
          ic.x + ic.w * 0.15,
          ic.y + ic.h * 0.15,
          ic.w * 0.7,
          ic.h * 0.7,
          shade(ic.color, 0.12),
          `rx="${n(ic.w * 0.1)}"`,
        )
      );
    case 'crystal':
      return shadow + rect(ic.x, ic.y, ic.w, ic.h, ic.color, `rx="${n(ic.h / 2)}"`);
    case 'button':
      return (
        shadow +
        rect(ic.x, ic.y, ic.w, ic.h, ic.color) +
        circle(ic.x + ic.w / 2, ic.y + ic.h / 2, ic.w * 0.3, '#1b1b1d')
      );
    default: {
      let out =
        shadow +
        rect(ic.x, ic.y, ic.w, ic.h, ic.color) +
        circle(ic.x + 1, ic.y + 1, 0.4, shade(ic.color, 0.35));
      if (ic.label) {
        const style = {
          size: Math.min(ic.h * 0.15, 1.6),
          color: '#8c8f94',
          font: 'mono',
          bold: false,
          rotate: 0,
        } as const;
        out += text(ic.x + 1, ic.y + ic.h * 0.55, ic.label, style, ctx.mode, ctx.pxPerMm);
      }
      return out;
    }
  }
}

function matrixCode(x: number, y: number, size: number, modules: number, seed: number, ink: string): string {
  const rng = new Rng(seed);
  const m = size / modules;
  let d = rectPath(x, y, m, size) + rectPath(x, y + size - m, size, m);
  for (let i = 1; i < modules; i++) {
    for (let j = 0; j < modules - 1; j++) if (rng.bool(0.45)) d += rectPath(x + i * m, y + j * m, m, m);
  }
  return `<path d="${d}" fill="${ink}"/>`;
}

function stickerSvg(s: Sticker, ctx: PartContext): string {
  let out =
    rect(s.x + 0.5, s.y + 0.7, s.w, s.h, '#000', 'opacity="0.3"') +
    rect(s.x, s.y, s.w, s.h, s.paper, 'rx="0.6"');
  const pad = Math.min(s.w, s.h) * 0.08;
  const matrixSize = s.matrix > 0 ? Math.min(s.h - 2 * pad, s.w * 0.3) : 0;
  const innerW = s.w - 2 * pad - (matrixSize > 0 ? matrixSize + pad : 0);
  const barH = s.barcode.length > 0 ? (s.h - 2 * pad) * (s.lines.length > 3 ? 0.22 : 0.4) : 0;
  const textH = s.h - 2 * pad - barH - (barH > 0 ? pad : 0);
  const lineH = textH / Math.max(1, s.lines.length);
  const longest = Math.max(1, ...s.lines.map((l) => l.length));
  const size = Math.min(lineH * 0.72, innerW / (longest * 0.9));
  s.lines.forEach((line, i) => {
    const style = { size, color: s.ink, font: 'sans', bold: i === 0, rotate: 0 } as const;
    out += text(s.x + pad, s.y + pad + (i + 1) * lineH - lineH * 0.2, line, style, ctx.mode, ctx.pxPerMm);
  });
  if (barH > 0) {
    const total = s.barcode.reduce((a, b) => a + b, 0);
    const module = innerW / total;
    let x = s.x + pad;
    let d = '';
    s.barcode.forEach((w, i) => {
      if (i % 2 === 0) d += rectPath(x, s.y + s.h - pad - barH, w * module, barH);
      x += w * module;
    });
    out += `<path d="${d}" fill="${s.ink}"/>`;
  }
  if (matrixSize > 0) {
    out += matrixCode(s.x + s.w - pad - matrixSize, s.y + pad, matrixSize, s.matrix, s.matrixSeed, s.ink);
  }
  return out;
}

function fanSvg(f: FanGrille): string {
  let blades = '';
  for (let i = 0; i < f.blades; i++) {
    const a = (i / f.blades) * Math.PI * 2;
    const a2 = a + (Math.PI * 2) / f.blades / 1.6;
    const r0 = f.r * 0.3;
    const r1 = f.r * 0.92;
    blades += `M${n(f.x + r0 * Math.cos(a))} ${n(f.y + r0 * Math.sin(a))}Q${n(f.x + r1 * 0.8 * Math.cos(a - 0.3))} ${n(f.y + r1 * 0.8 * Math.sin(a - 0.3))} ${n(f.x + r1 * Math.cos(a))} ${n(f.y + r1 * Math.sin(a))}L${n(f.x + r1 * Math.cos(a2))} ${n(f.y + r1 * Math.sin(a2))}Q${n(f.x + r0 * 1.3 * Math.cos(a2))} ${n(f.y + r0 * 1.3 * Math.sin(a2))} ${n(f.x + r0 * Math.cos(a2))} ${n(f.y + r0 * Math.sin(a2))}z`;
  }
  let rings = '';
  for (let i = 1; i <= f.rings; i++) rings += circlePath(f.x, f.y, (f.r * i) / f.rings);
  let spokes = '';
  for (let i = 0; i < f.spokes; i++) {
    const a = (i / f.spokes) * Math.PI * 2 + 0.4;
    spokes += `M${n(f.x)} ${n(f.y)}L${n(f.x + f.r * Math.cos(a))} ${n(f.y + f.r * Math.sin(a))}`;
  }
  const stroke = n(Math.max(0.8, f.r * 0.03));
  return (
    circle(f.x, f.y, f.r, '#0d0d0f') +
    `<path d="${blades}" fill="#2c2d31"/>` +
    circle(f.x, f.y, f.r * 0.3, '#1c1c1f') +
    circle(f.x, f.y, f.r * 0.12, '#cfd2d6', 'opacity="0.6"') +
    `<path d="${rings}${spokes}" fill="none" stroke="${f.color}" stroke-width="${stroke}"/>` +
    `<path d="${rings}${spokes}" fill="none" stroke="#fff" stroke-width="${n(Number(stroke) * 0.3)}" opacity="0.25"/>`
  );
}

function ventsSvg(v: VentSlots): string {
  let d = '';
  if (v.style === 'holes') {
    const r = v.pitch * 0.32;
    for (let x = v.x + v.pitch / 2; x < v.x + v.w; x += v.pitch) {
      for (let y = v.y + v.pitch / 2; y < v.y + v.h; y += v.pitch) d += circlePath(x, y, r);
    }
  } else {
    const slotW = v.pitch * 0.45;
    for (let x = v.x; x + slotW <= v.x + v.w; x += v.pitch) d += rectPath(x, v.y, slotW, v.h);
  }
  return `<path d="${d}" fill="#0c0c0e"/>`;
}

function screwSvg(s: Screw): string {
  const dark = shade(s.color, -0.6);
  let head = '';
  if (s.head === 'phillips') {
    head = `<path d="${rectPath(s.x - s.r * 0.6, s.y - s.r * 0.12, s.r * 1.2, s.r * 0.24)}${rectPath(s.x - s.r * 0.12, s.y - s.r * 0.6, s.r * 0.24, s.r * 1.2)}" fill="${dark}"/>`;
  } else {
    head = circle(s.x, s.y, s.r * (s.head === 'hex' ? 0.45 : 0.38), dark);
  }
  return circle(s.x + 0.3, s.y + 0.4, s.r, '#000', 'opacity="0.35"') + circle(s.x, s.y, s.r, s.color) + head;
}

export function partSvg(p: Part, ctx: PartContext): string {
  switch (p.t) {
    case 'connector':
      return connectorSvg(p);
    case 'capacitor':
      return capacitorSvg(p);
    case 'footprint':
      return footprintSvg(p);
    case 'ic':
      return icSvg(p, ctx);
    case 'led':
      return rect(p.x, p.y, 1.6, 0.9, p.color) + rect(p.x, p.y, 0.5, 0.9, '#ffffff', 'opacity="0.6"');
    case 'text':
      return text(p.x, p.y, p.text, p, ctx.mode, ctx.pxPerMm);
    case 'sticker':
      return stickerSvg(p, ctx);
    case 'smd': {
      let d = '';
      for (let i = 0; i + 3 < p.boxes.length; i += 4) {
        d += rectPath(
          p.boxes[i] as number,
          p.boxes[i + 1] as number,
          p.boxes[i + 2] as number,
          p.boxes[i + 3] as number,
        );
      }
      return `<path d="${d}" fill="${p.color}"/>`;
    }
    case 'trace': {
      let d = '';
      for (let i = 0; i + 1 < p.points.length; i += 2)
        d += `${i === 0 ? 'M' : 'L'}${n(p.points[i] as number)} ${n(p.points[i + 1] as number)}`;
      return `<path d="${d}" fill="none" stroke="${p.color}" stroke-width="${n(p.width)}" opacity="0.7"/>`;
    }
    case 'fan-grille':
      return fanSvg(p);
    case 'vents':
      return ventsSvg(p);
    case 'screw':
      return screwSvg(p);
    case 'panel':
      return (
        rect(p.x, p.y, p.w, p.h, p.color, `rx="${n(p.radius)}"`) +
        (p.bevel > 0
          ? rect(
              p.x,
              p.y,
              p.w,
              p.h,
              'none',
              `rx="${n(p.radius)}" stroke="${shade(p.color, -p.bevel)}" stroke-width="1.2"`,
            )
          : '')
      );
  }
}
