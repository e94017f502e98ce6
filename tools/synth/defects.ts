/**
 * Defects with their truth, for inspection: a chip removed to bare pads, burnt or lifted, a chip's
 * own heatsink missing, a connector or a capacitor removed to its footprint. Each defect says which
 * place on the board (millimetres) an inspection should find it at.
 */
import { chipRects } from './render-chips.ts';
import type { BoardType, Capacitor, Connector, Footprint, Part, Rect } from './types.ts';

export const DEFECT_KINDS = [
  'chip-missing',
  'chip-burnt',
  'chip-lifted',
  'heatsink-missing',
  'connector-missing',
  'capacitor-missing',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface DefectTruth {
  kind: DefectKind;
  /** Where the defect is, board millimetres (the part's or the chip's box). */
  box: Rect;
  /** Row-major chip index for chip and heatsink defects; null otherwise. */
  chip: number | null;
}

/** Connectors a technician can remove (edge fingers are the board itself). */
export function removableConnectors(t: BoardType): Connector[] {
  return t.parts.filter((p): p is Connector => p.t === 'connector' && p.kind !== 'edge-fingers');
}

export function capacitors(t: BoardType): Capacitor[] {
  return t.parts.filter((p): p is Capacitor => p.t === 'capacitor');
}

/** The box of a part an inspection map marks (a capacitor: the square around its can). */
export function partBox(p: Connector | Capacitor): Rect {
  return p.t === 'capacitor'
    ? { x: p.x - p.r, y: p.y - p.r, w: 2 * p.r, h: 2 * p.r }
    : { x: p.x, y: p.y, w: p.w, h: p.h };
}

/** The defects this board can carry (a chip under a heatsink can be missing, not seen burnt or lifted). */
export function applicableDefects(t: BoardType): DefectKind[] {
  const g = t.chips;
  const out: DefectKind[] = [];
  if (g && (!g.heatsink || g.heatsink.layout === 'per-chip')) {
    out.push('chip-missing');
    if (g.heatsink) out.push('heatsink-missing');
    else out.push('chip-burnt', 'chip-lifted');
  }
  if (removableConnectors(t).length > 0) out.push('connector-missing');
  if (capacitors(t).length > 0) out.push('capacitor-missing');
  return out;
}

/** Tinned pads where a part was: a row of through-hole pads along a connector, two lands under a can. */
function footprintOf(p: Connector | Capacitor): Footprint {
  const box = partBox(p);
  const pads: number[] = [];
  if (p.t === 'capacitor') {
    const s = p.r * 0.5;
    pads.push(p.x - p.r * 0.7, p.y - s / 2, s, s, p.x + p.r * 0.7 - s, p.y - s / 2, s, s);
  } else {
    const along = Math.max(1, p.pins);
    const across = Math.max(1, p.pinRows);
    const horizontal = p.w >= p.h;
    const stepL = (horizontal ? p.w : p.h) / along;
    const stepS = (horizontal ? p.h : p.w) / across;
    const s = Math.min(stepL, stepS) * 0.5;
    for (let i = 0; i < along; i++) {
      for (let j = 0; j < across; j++) {
        const a = (i + 0.5) * stepL - s / 2;
        const b = (j + 0.5) * stepS - s / 2;
        if (horizontal) pads.push(p.x + a, p.y + b, s, s);
        else pads.push(p.x + b, p.y + a, s, s);
      }
    }
  }
  return {
    t: 'footprint',
    ...box,
    outline: p.t === 'capacitor' ? 'round' : 'rect',
    pads,
    silk: '#e8e8e0',
  };
}

function chipBoxOf(t: BoardType, chip: number, heatsink: boolean): Rect {
  const c = chipRects(t.chips!)[chip]!;
  const o = heatsink && t.chips!.heatsink ? t.chips!.heatsink.overhang : 0;
  return { x: c.x - o, y: c.y - o, w: c.w + 2 * o, h: c.h + 2 * o };
}

/**
 * The board with one defect of `kind` at the `which`-th place of its kind (modulo how many there
 * are), and the defect's truth. Throws when the board cannot carry it (see applicableDefects).
 */
export function withDefect(
  t: BoardType,
  kind: DefectKind,
  which: number,
): { type: BoardType; truth: DefectTruth } {
  if (!applicableDefects(t).includes(kind)) throw new Error(`board ${t.seed} cannot carry ${kind}`);
  if (kind === 'connector-missing' || kind === 'capacitor-missing') {
    const list: Part[] = kind === 'connector-missing' ? removableConnectors(t) : capacitors(t);
    const gone = list[which % list.length] as Connector | Capacitor;
    return {
      type: { ...t, parts: t.parts.map((p) => (p === gone ? footprintOf(gone) : p)) },
      truth: { kind, box: partBox(gone), chip: null },
    };
  }
  const g = t.chips!;
  const chip = which % (g.rows * g.cols);
  const field = (
    {
      'chip-missing': 'missing',
      'chip-burnt': 'burnt',
      'chip-lifted': 'lifted',
      'heatsink-missing': 'noHeatsink',
    } as const
  )[kind];
  return {
    type: { ...t, chips: { ...g, defects: { ...g.defects, [field]: [chip] } } },
    truth: { kind, box: chipBoxOf(t, chip, g.heatsink !== null), chip },
  };
}

/**
 * A hashboard whose chips can be counted from above: the generator's full-plate and per-row
 * heatsinks (which hide the chips) become per-chip ones, and the stickers laid over the chip grid go.
 */
export function inspectableHashboard(t: BoardType): BoardType {
  const g = t.chips;
  if (!g) throw new Error(`board ${t.seed} has no chips`);
  const hs =
    g.heatsink && g.heatsink.layout !== 'per-chip'
      ? { ...g.heatsink, layout: 'per-chip' as const }
      : g.heatsink;
  const chips = chipRects(g);
  const first = chips[0]!;
  const last = chips[chips.length - 1]!;
  const grid: Rect = {
    x: first.x - 3,
    y: first.y - 3,
    w: last.x + last.w - first.x + 6,
    h: last.y + last.h - first.y + 6,
  };
  const over = (p: Part) =>
    'w' in p && p.x < grid.x + grid.w && p.x + p.w > grid.x && p.y < grid.y + grid.h && p.y + p.h > grid.y;
  return { ...t, chips: { ...g, heatsink: hs }, overlay: t.overlay.filter((p) => !over(p)) };
}
