import { HEATSINK_COLORS, shade } from './color.ts';
import { rectPath } from './svg.ts';
import type { ChipGrid, Heatsink, Rect } from './types.ts';

/** Left edge of column `c`, counting the extra gaps between voltage domains. */
function colX(g: ChipGrid, c: number): number {
  const groups = g.groupEvery > 0 ? Math.floor(c / g.groupEvery) : 0;
  return g.x + c * g.pitchX + groups * g.groupGap;
}

/** Chip packages of the grid, top-left corners. */
export function chipRects(g: ChipGrid): Rect[] {
  const out: Rect[] = [];
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      out.push({
        x: colX(g, c) + (g.pitchX - g.chipSize) / 2,
        y: g.y + r * g.pitchY + (g.pitchY - g.chipSize) / 2,
        w: g.chipSize,
        h: g.chipSize,
      });
    }
  }
  return out;
}

/**
 * Paths are batched: one <path> per colour for the whole grid, whatever the chip count. librsvg
 * draws one path of many sub-rectangles far faster than many elements or pattern fills.
 */
class Batch {
  private readonly layers = new Map<string, string>();

  add(key: string, d: string): void {
    this.layers.set(key, (this.layers.get(key) ?? '') + d);
  }

  svg(order: ReadonlyArray<readonly [string, string]>): string {
    return order
      .map(([key, attrs]) => {
        const d = this.layers.get(key);
        return d ? `<path d="${d}" ${attrs}/>` : '';
      })
      .join('');
  }
}

/** Bare pads where a chip was removed: a grid of tinned lands on the solder mask. */
function barePads(c: Rect, b: Batch): void {
  const n = 5;
  const pad = (c.w / n) * 0.55;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      b.add('pad', rectPath(c.x + (i + 0.22) * (c.w / n), c.y + (j + 0.22) * (c.h / n), pad, pad));
    }
  }
}

/** Chips drawn bare: every chip, or only `only` (the places a per-chip heatsink is missing from). */
function bareChips(g: ChipGrid, b: Batch, only?: ReadonlySet<number>): void {
  const d = g.defects ?? {};
  for (const [i, c] of chipRects(g).entries()) {
    if (only && !only.has(i)) continue;
    if (d.missing?.includes(i)) {
      barePads(c, b);
      continue;
    }
    if (d.lifted?.includes(i)) {
      // a lifted corner: the package sits askew, a pale gap of pads along one side
      b.add('pad', rectPath(c.x, c.y, c.w, c.h * 0.25));
      b.add('package', rectPath(c.x + c.w * 0.12, c.y + c.h * 0.2, c.w, c.h * 0.85));
      continue;
    }
    const lid = c.w * 0.72;
    const o = (c.w - lid) / 2;
    b.add('shadow', rectPath(c.x + 0.3, c.y + 0.4, c.w, c.h));
    b.add('package', rectPath(c.x, c.y, c.w, c.h));
    b.add('lid', rectPath(c.x + o, c.y + o, lid, lid));
    b.add('lid-hi', rectPath(c.x + o, c.y + o, lid, lid * 0.12));
    b.add('dot', rectPath(c.x + c.w * 0.1, c.y + c.w * 0.1, c.w * 0.08, c.w * 0.08));
    if (d.burnt?.includes(i))
      b.add('burn', rectPath(c.x + c.w * 0.15, c.y + c.h * 0.2, c.w * 0.7, c.h * 0.6));
  }
}

/** One heatsink block: shadow, base, fins or pins, bevel edges. */
function heatsinkBlock(r: Rect, hs: Heatsink, b: Batch, coarse: boolean): void {
  b.add('hs-shadow', rectPath(r.x + 0.9, r.y + 1.1, r.w, r.h));
  b.add('hs-base', rectPath(r.x, r.y, r.w, r.h));
  const p = hs.finPitch;
  if (hs.fins === 'pin' && coarse) {
    // Pins smaller than a few pixels: crossed half-transparent bands brighten where pins would be,
    // for a fraction of the sub-paths (thousands of sub-pixel squares are slow to rasterise).
    const s = p * 0.55;
    for (let y = r.y + (p - s) / 2; y + s <= r.y + r.h; y += p) b.add('pin-row', rectPath(r.x, y, r.w, s));
    for (let x = r.x + (p - s) / 2; x + s <= r.x + r.w; x += p) b.add('pin-col', rectPath(x, r.y, s, r.h));
  } else if (hs.fins === 'pin') {
    const s = p * 0.55;
    for (let y = r.y + (p - s) / 2; y + s <= r.y + r.h; y += p) {
      for (let x = r.x + (p - s) / 2; x + s <= r.x + r.w; x += p) {
        b.add('fin', rectPath(x, y, s, s));
        b.add('fin-shade', rectPath(x + s * 0.55, y + s * 0.55, s * 0.45, s * 0.45));
      }
    }
  } else if (hs.fins === 'straight') {
    const fin = p * 0.42;
    if (hs.finAxis === 'x') {
      for (let y = r.y + (p - fin) / 2; y + fin <= r.y + r.h; y += p) {
        b.add('fin', rectPath(r.x, y, r.w, fin));
        b.add('fin-shade', rectPath(r.x, y + fin * 0.7, r.w, fin * 0.3));
      }
    } else {
      for (let x = r.x + (p - fin) / 2; x + fin <= r.x + r.w; x += p) {
        b.add('fin', rectPath(x, r.y, fin, r.h));
        b.add('fin-shade', rectPath(x + fin * 0.7, r.y, fin * 0.3, r.h));
      }
    }
  }
  const edge = Math.min(r.w, r.h) * 0.06;
  b.add('hs-hi', rectPath(r.x, r.y, r.w, edge));
  b.add('hs-lo', rectPath(r.x, r.y + r.h - edge, r.w, edge));
}

function heatsinkRects(g: ChipGrid, hs: Heatsink): Rect[] {
  const chips = chipRects(g);
  const o = hs.overhang;
  if (hs.layout === 'per-chip') {
    const bare = bareUnderHeatsinks(g);
    return chips.flatMap((c, i) =>
      bare.has(i) ? [] : [{ x: c.x - o, y: c.y - o, w: c.w + 2 * o, h: c.h + 2 * o }],
    );
  }
  const first = chips[0];
  const last = chips[chips.length - 1];
  if (!first || !last) return [];
  const left = first.x - o;
  const right = last.x + last.w + o;
  if (hs.layout === 'plate')
    return [{ x: left, y: first.y - o, w: right - left, h: last.y + last.h + o - (first.y - o) }];
  // Bars leave a strip of PCB (and the chips' edges) visible between rows.
  const barH = Math.min(g.pitchY * 0.92, g.chipSize + 2 * o + (g.pitchY - g.chipSize) / 2);
  return Array.from({ length: g.rows }, (_, r) => {
    const cy = g.y + r * g.pitchY + g.pitchY / 2;
    return { x: left, y: cy - barH / 2, w: right - left, h: barH };
  });
}

/** Per-chip heatsinks missing: over a chip removed (its heatsink went with it) or just the heatsink gone. */
function bareUnderHeatsinks(g: ChipGrid): Set<number> {
  return new Set([...(g.defects?.missing ?? []), ...(g.defects?.noHeatsink ?? [])]);
}

/** The chip grid in board millimetres, detailed enough for `pxPerMm`. */
export function chipGridSvg(g: ChipGrid, pxPerMm: number): string {
  const b = new Batch();
  const hs = g.heatsink;
  if (!hs || hs.layout === 'per-row') bareChips(g, b);
  else if (hs.layout === 'per-chip') bareChips(g, b, bareUnderHeatsinks(g));
  const coarse = hs !== null && hs.finPitch * pxPerMm < 4;
  if (hs) for (const r of heatsinkRects(g, hs)) heatsinkBlock(r, hs, b, coarse);
  const c = hs ? HEATSINK_COLORS[hs.color] : HEATSINK_COLORS.aluminium;
  return b.svg([
    ['shadow', 'fill="#000" opacity="0.3"'],
    ['package', `fill="${g.packageColor}"`],
    ['lid', `fill="${g.lidColor}"`],
    ['lid-hi', `fill="${shade(g.lidColor, 0.25)}" opacity="0.7"`],
    ['dot', `fill="${shade(g.packageColor, 0.4)}"`],
    ['pad', 'fill="#c9c6bd"'],
    ['burn', 'fill="#1a1008" opacity="0.85"'],
    ['hs-shadow', 'fill="#000" opacity="0.35"'],
    ['hs-base', `fill="${hs?.fins === 'none' ? c.base : c.gap}"`],
    ['pin-row', `fill="${c.fin}" opacity="0.5"`],
    ['pin-col', `fill="${c.fin}" opacity="0.5"`],
    ['fin', `fill="${c.fin}"`],
    ['fin-shade', `fill="${shade(c.fin, -0.22)}"`],
    ['hs-hi', `fill="${shade(c.fin, 0.15)}" opacity="0.8"`],
    ['hs-lo', `fill="${shade(c.gap, -0.3)}" opacity="0.8"`],
  ]);
}
