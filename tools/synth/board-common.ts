import { randomCode } from './identity.ts';
import type { Rng } from './rng.ts';
import type { Capacitor, Hole, Part, Rect, SilkText, SmdField, Sticker, Trace } from './types.ts';

/** Mounting holes at the corners, plus some along the long edges. */
export function mountingHoles(rng: Rng, w: number, h: number, extra: number): Hole[] {
  const inset = rng.float(3.5, 6);
  const r = rng.float(1.6, 2.4);
  const holes: Hole[] = [
    { x: inset, y: inset, r },
    { x: w - inset, y: inset, r },
    { x: inset, y: h - inset, r },
    { x: w - inset, y: h - inset, r },
  ];
  for (let i = 1; i <= extra; i++) {
    const x = (w * i) / (extra + 1);
    holes.push({ x, y: inset, r }, { x, y: h - inset, r });
  }
  return holes;
}

export function silk(
  x: number,
  y: number,
  size: number,
  text: string,
  color: string,
  opts: Partial<Pick<SilkText, 'rotate' | 'font' | 'bold'>> = {},
): SilkText {
  return {
    t: 'text',
    x,
    y,
    size,
    text,
    color,
    rotate: opts.rotate ?? 0,
    font: opts.font ?? 'sans',
    bold: opts.bold ?? false,
  };
}

/** Reference designators (U12, C304...) scattered as tiny silkscreen. */
export function designators(rng: Rng, area: Rect, count: number, color: string): SilkText[] {
  const out: SilkText[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${rng.pick(['U', 'C', 'R', 'L', 'D', 'Q', 'J', 'TP'])}${rng.int(1, 420)}`;
    out.push(
      silk(
        rng.float(area.x, area.x + area.w),
        rng.float(area.y, area.y + area.h),
        rng.float(0.9, 1.4),
        text,
        color,
        {
          rotate: rng.bool(0.7) ? 0 : 90,
        },
      ),
    );
  }
  return out;
}

/** Bar/space widths of a barcode-like pattern. */
export function barcode(rng: Rng, modules: number): number[] {
  const bars: number[] = [];
  let used = 0;
  while (used < modules) {
    const width = rng.int(1, 3);
    bars.push(width);
    used += width;
  }
  return bars;
}

export function serialNumber(rng: Rng, vendor: string): string {
  if (vendor === 'Bitmain') return randomCode(rng, 'AAAAA9AAAAAAA9999');
  if (vendor === 'MicroBT') return randomCode(rng, 'ZX99AA99AA999999').replace('ZX', 'HT');
  return randomCode(rng, 'AA9999XXXX9999');
}

/** A white or yellow label with a few lines, a barcode and perhaps a 2-D code. */
export function sticker(rng: Rng, rect: Rect, lines: string[]): Sticker {
  const yellow = rng.bool(0.3);
  return {
    t: 'sticker',
    ...rect,
    paper: yellow ? rng.pick(['#f2d94a', '#f5e27a', '#e8c832']) : rng.pick(['#f4f4f0', '#ecebe4', '#fafafa']),
    ink: rng.bool(0.85) ? '#1a1a1a' : '#1b2f6b',
    lines,
    barcode: rng.bool(0.8) ? barcode(rng, rng.int(40, 70)) : [],
    matrix: rng.bool(0.35) ? rng.pick([10, 12, 14]) : 0,
    matrixSeed: rng.seedValue(),
  };
}

/** Clusters of small surface-mount parts inside `area`. */
export function smdField(rng: Rng, area: Rect, count: number, color: string): SmdField {
  const boxes: number[] = [];
  for (let i = 0; i < count; i++) {
    const vertical = rng.bool(0.5);
    const long = rng.pick([1.0, 1.6, 2.0, 3.2]);
    const short = long * rng.float(0.45, 0.6);
    const w = vertical ? short : long;
    const h = vertical ? long : short;
    boxes.push(
      round2(rng.float(area.x, area.x + Math.max(0, area.w - w))),
      round2(rng.float(area.y, area.y + Math.max(0, area.h - h))),
      round2(w),
      round2(h),
    );
  }
  return { t: 'smd', color, boxes };
}

/** Manhattan-style copper traces inside `area`. */
export function traces(rng: Rng, area: Rect, count: number, color: string): Trace[] {
  const out: Trace[] = [];
  for (let i = 0; i < count; i++) {
    let x = rng.float(area.x, area.x + area.w);
    let y = rng.float(area.y, area.y + area.h);
    const points = [round2(x), round2(y)];
    const segments = rng.int(2, 5);
    for (let s = 0; s < segments; s++) {
      if (s % 2 === 0) x = clamp(x + rng.float(-40, 40), area.x, area.x + area.w);
      else y = clamp(y + rng.float(-20, 20), area.y, area.y + area.h);
      points.push(round2(x), round2(y));
    }
    out.push({ t: 'trace', width: rng.float(0.25, 1.2), color, points });
  }
  return out;
}

export function electrolytic(rng: Rng, x: number, y: number, r: number): Capacitor {
  return {
    t: 'capacitor',
    x,
    y,
    r,
    sleeve: rng.pick(['#1d2f6e', '#222222', '#5a1d6e', '#1f5a2a', '#6b1b1b', '#2a4a8a']),
  };
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Approximate extent of a silkscreen text (0 or 90 degrees). */
function textBox(p: SilkText): Rect {
  const len = p.text.length * 0.85 * p.size;
  return p.rotate === 90
    ? { x: p.x - 0.3 * p.size, y: p.y, w: 1.4 * p.size, h: len }
    : { x: p.x, y: p.y - 1.1 * p.size, w: len, h: 1.4 * p.size };
}

function footprint(p: Part): Rect | null {
  switch (p.t) {
    case 'connector':
    case 'sticker':
    case 'ic':
      return { x: p.x, y: p.y - 1, w: p.w + 1, h: p.h + 2 };
    case 'capacitor':
      return { x: p.x - p.r, y: p.y - p.r, w: 2.4 * p.r, h: 2.4 * p.r };
    case 'led':
      return { x: p.x, y: p.y, w: 1.6, h: 0.9 };
    case 'text':
      return textBox(p);
    default:
      return null;
  }
}

/**
 * Keeps mounting holes clear: a hole under a connector, a label or a `keepOut` area (the chip grid)
 * is not drilled; traces, small
 * parts and silkscreen over the remaining holes are dropped, larger text slides along until clear.
 */
export function clearHoles(
  parts: Part[],
  overlay: Part[],
  drilled: Hole[],
  keepOut: Rect[] = [],
): { parts: Part[]; overlay: Part[]; holes: Hole[] } {
  const margin = 1.6;
  const touches = (h: Hole, r: Rect): boolean =>
    h.x + h.r + margin > r.x &&
    h.x - h.r - margin < r.x + r.w &&
    h.y + h.r + margin > r.y &&
    h.y - h.r - margin < r.y + r.h;
  const large = [...parts, ...overlay].filter((p) => p.t === 'connector' || p.t === 'sticker');
  const blocked = [...large.map((p) => footprint(p) as Rect), ...keepOut];
  const holes = drilled.filter((h) => !blocked.some((r) => touches(h, r)));
  const hits = (r: Rect): boolean => holes.some((h) => touches(h, r));
  const clear = (p: Part): Part[] => {
    if (p.t === 'trace') {
      for (let i = 0; i + 3 < p.points.length; i += 2) {
        const [ax, ay, bx, by] = p.points.slice(i, i + 4) as [number, number, number, number];
        if (holes.some((h) => distToSegment(h.x, h.y, ax, ay, bx, by) < h.r + margin + p.width)) return [];
      }
      return [p];
    }
    if (p.t === 'smd') {
      const boxes: number[] = [];
      for (let i = 0; i + 3 < p.boxes.length; i += 4) {
        const [x, y, w, h] = p.boxes.slice(i, i + 4) as [number, number, number, number];
        if (!hits({ x, y, w, h })) boxes.push(x, y, w, h);
      }
      return [{ ...p, boxes }];
    }
    if (p.t === 'text' && p.size >= 1.6 && hits(textBox(p))) {
      const moved = { ...p };
      for (let i = 0; i < 12 && hits(textBox(moved)); i++) {
        if (moved.rotate === 90) moved.y += 3;
        else moved.x += 3;
      }
      return hits(textBox(moved)) ? [] : [moved];
    }
    const box = footprint(p);
    return box && hits(box) ? [] : [p];
  };
  return { parts: parts.flatMap(clear), overlay: overlay.flatMap(clear), holes };
}
