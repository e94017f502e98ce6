import { shoot } from './camera.ts';
import { Rng } from './rng.ts';
import { esc, n, rect } from './svg.ts';

/** What a board's label says: the silkscreened model line and the serial sticker. */
export interface LabelText {
  /** Silkscreen, e.g. "S19J-PRO-HB 2024-08". */
  model: string;
  /** The serial number alone, e.g. "HKYTZ2BBCJDJ0A2C3". */
  serial: string;
}

export interface LabelOptions {
  width: number;
  height: number;
  /** Degrees the board is turned on the bench. */
  rotateDeg: number;
  /** Gaussian blur sigma in pixels (focus), 0: sharp. */
  blurSigma: number;
  /** Cap height of the silkscreen model line, pixels. */
  modelPx: number;
  /** Cap height of the sticker's serial line, pixels. */
  serialPx: number;
  /** Board colour. */
  pcb: string;
  /** Background clutter (chips, traces) drawn from this seed. */
  seed: number;
}

export interface LabelImage {
  jpeg: Buffer;
  /** The text lines printed, as a reader should give them back. */
  lines: string[];
}

const MODELS = [
  'S19J-PRO-HB',
  'S19-XP-HB',
  'S19K-PRO-HB',
  'S21-HYD-HB',
  'T19-HB',
  'L7-HB',
  'M30S++ HB',
  'M50S-HB',
  'APW12-1215',
  'APW3++ PSU',
  'C52-CTRL',
  'BHB42601',
] as const;
const SERIAL_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const PCBS = ['#1d5c37', '#16472c', '#1d3f6e', '#232323', '#2a5a2a'] as const;

/** A serial in the style of Bitmain's stickers: 17 capitals and digits. */
export function randomSerial(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 17; i++) s += SERIAL_CHARS[rng.int(0, SERIAL_CHARS.length - 1)];
  return s;
}

/** A random model line ("S19J-PRO-HB 2024-08") and serial. */
export function randomLabelText(rng: Rng): LabelText {
  const date = `${rng.int(2019, 2025)}-${String(rng.int(1, 12)).padStart(2, '0')}`;
  return { model: `${rng.pick(MODELS)} ${date}`, serial: randomSerial(rng) };
}

/**
 * Bench-like rendering settings for one slot of a 1280x720 frame (640x560): turned up to 7 degrees,
 * defocused (blur sigma 0.5-1.5 px), capitals 9-18 px tall on the silkscreen and 8-13 px on the
 * sticker (a serial sticker seen by a camera about 60 cm above the bench).
 */
export function randomLabelOptions(rng: Rng, width = 640, height = 560): LabelOptions {
  return {
    width,
    height,
    rotateDeg: rng.float(-7, 7),
    blurSigma: rng.float(0.5, 1.5),
    modelPx: rng.float(9, 18),
    serialPx: rng.float(8, 13),
    pcb: rng.pick(PCBS),
    seed: rng.seedValue(),
  };
}

function textLine(x: number, y: number, value: string, capPx: number, fill: string, mono: boolean): string {
  const family = mono ? 'DejaVu Sans Mono, monospace' : 'DejaVu Sans, sans-serif';
  // DejaVu's capitals are 0.73 em tall.
  const size = capPx / 0.73;
  return `<text x="${n(x)}" y="${n(y)}" font-family="${family}" font-size="${n(size)}" font-weight="bold" fill="${fill}">${esc(value)}</text>`;
}

/** Chips, traces and component pads: what surrounds a label on a board. */
function clutter(rng: Rng, w: number, h: number): string {
  let svg = '';
  for (let i = 0; i < 14; i++) {
    const x = rng.float(0, w);
    const y = rng.float(0, h);
    svg += `<line x1="${n(x)}" y1="${n(y)}" x2="${n(x + rng.float(-200, 200))}" y2="${n(y)}" stroke="#c9a54a" stroke-opacity="0.35" stroke-width="${n(rng.float(1, 3))}"/>`;
  }
  for (let i = 0; i < 6; i++) {
    const s = rng.float(28, 60);
    svg += rect(rng.float(0, w - s), rng.float(0, h - s), s, s, '#3a3a3a', 'rx="3"');
  }
  return svg;
}

/**
 * A slot-sized photo of part of a board: clutter, the silkscreened model line and a white serial
 * sticker with a barcode, turned, defocused and JPEG-compressed like a bench camera's frame.
 */
export async function renderLabel(text: LabelText, o: LabelOptions): Promise<LabelImage> {
  const rng = new Rng(o.seed);
  const { width: w, height: h } = o;
  const serialLine = `SN: ${text.serial}`;
  const stickerW = serialLine.length * o.serialPx * 0.95 + 40;
  const stickerH = o.serialPx * 4.2;
  const sx = rng.float(20, Math.max(21, w - stickerW - 20));
  const sy = rng.float(h * 0.5, Math.max(h * 0.5 + 1, h - stickerH - 20));
  const mx = rng.float(20, Math.max(21, w - text.model.length * o.modelPx * 0.95 - 20));
  const my = rng.float(o.modelPx + 30, h * 0.4);
  let bars = '';
  for (let x = sx + 20; x < sx + stickerW - 20; x += rng.float(2.5, 6)) {
    bars += rect(x, sy + stickerH * 0.52, rng.float(1, 2.5), stickerH * 0.36, '#111');
  }
  const board = [
    rect(-w, -h, 3 * w, 3 * h, o.pcb),
    clutter(rng, w, h),
    textLine(mx, my, text.model, o.modelPx, '#f4f4ee', false),
    rect(sx, sy, stickerW, stickerH, '#f7f7f2', 'rx="4"'),
    textLine(sx + 20, sy + o.serialPx * 1.6, serialLine, o.serialPx, '#111', true),
    bars,
  ].join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g transform="rotate(${n(o.rotateDeg)} ${n(w / 2)} ${n(h / 2)})">${board}</g></svg>`;
  const jpeg = await shoot(svg, w, h, {
    blur: o.blurSigma > 0 ? { kind: 'gaussian', sigma: o.blurSigma } : null,
    gains: [1, 1, 1],
    noiseSigma: 2,
    noiseSeed: o.seed,
    jpegQuality: 85,
    mozjpeg: false,
  });
  return { jpeg, lines: [text.model, serialLine] };
}
