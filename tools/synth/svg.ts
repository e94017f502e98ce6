import { spawnSync } from 'node:child_process';

/** Compact number for SVG attributes. */
export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function circle(cx: number, cy: number, r: number, fill: string, extra = ''): string {
  return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

/** Path data for a circle, usable as a subpath (for even-odd holes or many dots in one path). */
export function circlePath(cx: number, cy: number, r: number): string {
  return `M${n(cx - r)} ${n(cy)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0z`;
}

export function rectPath(x: number, y: number, w: number, h: number): string {
  return `M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}z`;
}

/**
 * Real text needs a font; without any installed, librsvg draws nothing useful. `glyphs` draws
 * text-like blocks instead, and is also used for text too small to read at the output scale.
 */
export type TextMode = 'font' | 'glyphs';

let detected: TextMode | null = null;

export function defaultTextMode(): TextMode {
  if (detected === null) {
    const probe = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8', timeout: 5000 });
    detected = probe.status === 0 && probe.stdout.trim().length > 0 ? 'font' : 'glyphs';
  }
  return detected;
}

export interface TextStyle {
  size: number;
  color: string;
  font: 'sans' | 'mono';
  bold: boolean;
  /** Degrees, about (x, y). */
  rotate: number;
  anchor?: 'start' | 'middle';
}

/** Glyph-like blocks: one bar per character, heights varying with the character code. */
function glyphBlocks(x: number, y: number, text: string, s: TextStyle): string {
  const advance = s.size * (s.font === 'mono' ? 0.62 : 0.6);
  let cx = s.anchor === 'middle' ? x - (advance * text.length) / 2 : x;
  let d = '';
  for (const ch of text) {
    if (ch !== ' ') {
      const code = ch.charCodeAt(0);
      const tall = /[A-Z0-9]/.test(ch) || code % 3 === 0 ? 1 : 0.72;
      const h = s.size * tall;
      const w = advance * (s.bold ? 0.78 : 0.64);
      d += rectPath(cx, y - h, w, h);
    }
    cx += advance;
  }
  const rot = s.rotate ? ` transform="rotate(${s.rotate} ${n(x)} ${n(y)})"` : '';
  return d ? `<path d="${d}" fill="${s.color}"${rot}/>` : '';
}

/**
 * Text whose capital letters are `size` tall with baseline at y. `pxPerMm` decides whether real
 * glyphs are worth drawing: under ~4 px they are noise, and each <text> costs librsvg ~0.5 ms.
 */
export function text(
  x: number,
  y: number,
  value: string,
  s: TextStyle,
  mode: TextMode,
  pxPerMm: number,
): string {
  if (mode === 'glyphs' || s.size * pxPerMm < 4) return glyphBlocks(x, y, value, s);
  const family = s.font === 'mono' ? 'monospace' : 'sans-serif';
  const rot = s.rotate ? ` transform="rotate(${s.rotate} ${n(x)} ${n(y)})"` : '';
  const anchor = s.anchor === 'middle' ? ' text-anchor="middle"' : '';
  const weight = s.bold ? ' font-weight="bold"' : '';
  return `<text x="${n(x)}" y="${n(y)}" font-family="${family}" font-size="${n(s.size * 1.38)}"${weight}${anchor} fill="${s.color}"${rot}>${esc(value)}</text>`;
}

/** The same markup painted black: a shadow of it. Group fills do not override children's own fills. */
export function silhouette(markup: string): string {
  return markup.replace(/(fill|stroke)="#[0-9a-fA-F]{3,8}"/g, '$1="#000"');
}
