import type { Rng } from './rng.ts';

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function hex2(v: number): string {
  return Math.round(clamp01(v) * 255)
    .toString(16)
    .padStart(2, '0');
}

/** `#rrggbb` from hue (degrees), saturation and lightness (0..1). */
export function hsl(h: number, s: number, l: number): string {
  const hue = (((h % 360) + 360) % 360) / 360;
  const sat = clamp01(s);
  const lig = clamp01(l);
  if (sat === 0) return `#${hex2(lig)}${hex2(lig)}${hex2(lig)}`;
  const q = lig < 0.5 ? lig * (1 + sat) : lig + sat - lig * sat;
  const p = 2 * lig - q;
  const channel = (t0: number): number => {
    let t = t0;
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return `#${hex2(channel(hue + 1 / 3))}${hex2(channel(hue))}${hex2(channel(hue - 1 / 3))}`;
}

function parseHex(color: string): [number, number, number] {
  const v = Number.parseInt(color.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Mixes `a` towards `b` by `t` (0: a, 1: b). */
export function mix(a: string, b: string, t: number): string {
  const [ar, ag, ab] = parseHex(a);
  const [br, bg, bb] = parseHex(b);
  const f = (x: number, y: number): string => hex2((x + (y - x) * t) / 255);
  return `#${f(ar, br)}${f(ag, bg)}${f(ab, bb)}`;
}

/** Lighter (amount > 0) or darker (amount < 0) version of a colour. */
export function shade(color: string, amount: number): string {
  return amount >= 0 ? mix(color, '#ffffff', amount) : mix(color, '#000000', -amount);
}

export type PcbColorName = 'green' | 'blue' | 'black' | 'red';

export function pcbColor(rng: Rng): { name: PcbColorName; color: string } {
  const name = rng.weighted<PcbColorName>([
    ['green', 0.45],
    ['blue', 0.25],
    ['black', 0.2],
    ['red', 0.1],
  ]);
  switch (name) {
    case 'green':
      return { name, color: hsl(rng.float(115, 165), rng.float(0.4, 0.7), rng.float(0.16, 0.3)) };
    case 'blue':
      return { name, color: hsl(rng.float(200, 228), rng.float(0.5, 0.75), rng.float(0.18, 0.32)) };
    case 'black':
      return { name, color: hsl(rng.float(0, 360), rng.float(0, 0.12), rng.float(0.06, 0.12)) };
    case 'red':
      return { name, color: hsl(rng.float(352, 368), rng.float(0.55, 0.75), rng.float(0.24, 0.34)) };
  }
}

export const HEATSINK_COLORS = {
  aluminium: { base: '#9aa1a8', fin: '#dfe3e7', gap: '#6c737a' },
  black: { base: '#2a2b2f', fin: '#55575e', gap: '#141518' },
  gold: { base: '#b68d3a', fin: '#e8c870', gap: '#7a5a1c' },
} as const;

export const COPPER = '#c07a45';
export const GOLD_PLATING = '#d9b45a';
export const TIN = '#c9cdd2';
