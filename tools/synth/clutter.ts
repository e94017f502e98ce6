import { shade } from './color.ts';
import type { PlacedProp, SceneFrame } from './occluders.ts';
import { clipBox } from './pose.ts';
import type { Rng } from './rng.ts';
import { circle, n, rect, silhouette } from './svg.ts';

export type ClutterKind =
  | 'screw'
  | 'nut'
  | 'standoff'
  | 'zip-tie'
  | 'spare-chip'
  | 'syringe'
  | 'tweezers'
  | 'sticky-note'
  | 'probe'
  | 'sd-card';

const KINDS: ReadonlyArray<readonly [ClutterKind, number]> = [
  ['screw', 5],
  ['nut', 2],
  ['standoff', 2],
  ['zip-tie', 1.5],
  ['spare-chip', 1.5],
  ['syringe', 0.7],
  ['tweezers', 0.8],
  ['sticky-note', 0.5],
  ['probe', 0.8],
  ['sd-card', 0.6],
];

const hexagon = (r: number): string =>
  Array.from(
    { length: 6 },
    (_, i) => `${n(r * Math.cos((i * Math.PI) / 3))},${n(r * Math.sin((i * Math.PI) / 3))}`,
  ).join(' ');

/** The object in local millimetres around the origin, and its radius (for the bounding box). */
function shape(rng: Rng, kind: ClutterKind): { svg: string; radius: number } {
  switch (kind) {
    case 'screw': {
      const r = rng.float(2.5, 4);
      const metal = rng.pick(['#c9cdd2', '#2a2a2c', '#b08d57']);
      return {
        svg:
          circle(0, 0, r, metal) +
          rect(-r * 0.6, -r * 0.12, r * 1.2, r * 0.24, shade(metal, -0.6)) +
          rect(-r * 0.12, -r * 0.6, r * 0.24, r * 1.2, shade(metal, -0.6)),
        radius: r,
      };
    }
    case 'nut':
      return {
        svg: `<polygon points="${hexagon(4.5)}" fill="#b9bec4"/>${circle(0, 0, 2.2, '#555a60')}`,
        radius: 4.5,
      };
    case 'standoff':
      return {
        svg: `<rect x="-2.8" y="-7" width="5.6" height="14" fill="#c9a14a"/><rect x="-2.8" y="-7" width="1.6" height="14" fill="#e8cb85"/>`,
        radius: 7,
      };
    case 'zip-tie': {
      const c = rng.pick(['#f1f1ea', '#18181a']);
      return {
        svg: `<path d="M-45 0Q0 ${n(rng.float(-20, 20))} 45 0" fill="none" stroke="${c}" stroke-width="3.5"/><rect x="-49" y="-3.5" width="6" height="7" fill="${c}"/>`,
        radius: 48,
      };
    }
    case 'spare-chip':
      return { svg: rect(-5, -5, 10, 10, '#2b2c30') + rect(-3.6, -3.6, 7.2, 7.2, '#b5b9be'), radius: 5 };
    case 'syringe':
      return {
        svg: `${rect(-4.5, -35, 9, 60, '#d9dcdf', 'rx="3"')}${rect(-3, 25, 6, 14, '#f4f4f0')}${rect(-1, -44, 2, 9, '#9aa0a6')}${rect(-4.5, -20, 9, 25, '#8a9096', 'opacity="0.5"')}`,
        radius: 44,
      };
    case 'tweezers':
      return {
        svg: `<path d="M-2 -55L-1 55M2 -55L1 55" stroke="#c3c8ce" stroke-width="2.6" fill="none"/>`,
        radius: 55,
      };
    case 'sticky-note': {
      const paper = rng.pick(['#f6e36b', '#f7a8c4', '#9fe3a1', '#8fd0f0']);
      let lines = '';
      for (let i = 0; i < rng.int(2, 5); i++)
        lines += `M${n(-28 + rng.float(0, 6))} ${-22 + i * 11}h${n(rng.float(25, 50))}`;
      return {
        svg: `${rect(-37, -37, 74, 74, paper)}<path d="${lines}" stroke="#1b2f6b" stroke-width="1.6" opacity="0.8"/>`,
        radius: 52,
      };
    }
    case 'probe': {
      const c = rng.pick(['#c62828', '#18181a']);
      return {
        svg: `<path d="M0 40Q${n(rng.float(-60, 60))} 90 ${n(rng.float(-80, 80))} 160" stroke="${c}" stroke-width="3.5" fill="none"/>${rect(-4, -40, 8, 80, c, 'rx="3"')}${rect(-1, -58, 2, 18, '#c3c8ce')}`,
        radius: 160,
      };
    }
    case 'sd-card':
      return {
        svg: `<path d="M-12 -16H7L12 -11V16H-12z" fill="${rng.pick(['#1d4ed8', '#18181a', '#c62828'])}"/>${rect(-9, -4, 18, 14, '#f1f1ea')}`,
        radius: 16,
      };
  }
}

/** A small object lying on the bench somewhere in the frame, with its shadow. */
export function clutterSvg(rng: Rng, f: SceneFrame): { svg: string; placed: PlacedProp<ClutterKind> } {
  const kind = rng.weighted(KINDS);
  const { svg, radius } = shape(rng, kind);
  const x = rng.float(0, f.width);
  const y = rng.float(0, f.height);
  const s = f.pxPerMm;
  const deg = n(rng.float(0, 360));
  const off = 1.2 * s;
  const body =
    `<g transform="translate(${n(x + off)} ${n(y + off)}) rotate(${deg}) scale(${n(s)})" opacity="0.3">${silhouette(svg)}</g>` +
    `<g transform="translate(${n(x)} ${n(y)}) rotate(${deg}) scale(${n(s)})">${svg}</g>`;
  const r = radius * s;
  return {
    svg: body,
    placed: { kind, bbox: clipBox({ x: x - r, y: y - r, width: 2 * r, height: 2 * r }, f.width, f.height) },
  };
}
