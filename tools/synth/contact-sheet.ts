import sharp, { type OverlayOptions } from 'sharp';
import { boardTypeFromSeed, vendorModelFor } from './board.ts';
import type { Nuisance } from './nuisance.ts';
import { renderBoard } from './render-board.ts';
import { deriveSeed } from './rng.ts';
import { renderBenchView } from './scene.ts';
import { esc } from './svg.ts';
import type { BoardKind } from './types.ts';

export interface ContactSheetOptions {
  /** Board types (rows). */
  types: number;
  /** Bench views per type (columns after the flat render). */
  views: number;
  seed: number;
  /** Size of each view. */
  width?: number;
  height?: number;
  kind?: BoardKind;
  nuisance?: Partial<Nuisance>;
}

export interface ContactSheet {
  png: Buffer;
  width: number;
  height: number;
  /** One line per row: seed, kind, vendor and model. */
  rows: string[];
  /** Mean render time of one bench view, ms. */
  msPerView: number;
}

function label(text: string, width: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="18"><rect width="100%" height="100%" fill="#111"/><text x="4" y="13" font-family="sans-serif" font-size="12" fill="#eee">${esc(text)}</text></svg>`,
  );
}

/** A grid for a human to look at: per row, one board type alone, then `views` bench views of it. */
export async function renderContactSheet(opts: ContactSheetOptions): Promise<ContactSheet> {
  const w = opts.width ?? 320;
  const h = opts.height ?? 240;
  const cellH = h + 18;
  const tiles: OverlayOptions[] = [];
  const rows: string[] = [];
  let viewMs = 0;
  for (let r = 0; r < opts.types; r++) {
    const seed = deriveSeed(opts.seed, 'type', r);
    const type = boardTypeFromSeed(seed, opts.kind);
    const vm = vendorModelFor(type);
    const text = `${seed} ${vm.kind} ${vm.vendor} ${vm.model} ${vm.chipType ?? ''} x${vm.chipCount}`;
    rows.push(text);
    const flat = await renderBoard(type, {
      pixelsPerUnit: Math.min((w - 8) / type.width, (h - 8) / type.height),
    });
    tiles.push({ input: label(text, w * (opts.views + 1)), left: 0, top: r * cellH });
    tiles.push({
      input: flat.png,
      left: Math.round((w - flat.width) / 2),
      top: r * cellH + 18 + Math.round((h - flat.height) / 2),
    });
    for (let v = 0; v < opts.views; v++) {
      const start = performance.now();
      const view = await renderBenchView(type, deriveSeed(opts.seed, 'view', r, v), {
        width: w,
        height: h,
        ...(opts.nuisance ? { nuisance: opts.nuisance } : {}),
      });
      viewMs += performance.now() - start;
      tiles.push({ input: view.jpeg, left: (v + 1) * w, top: r * cellH + 18 });
    }
  }
  const width = w * (opts.views + 1);
  const height = cellH * opts.types;
  const png = await sharp({ create: { width, height, channels: 3, background: '#333' } })
    .composite(tiles)
    .png()
    .toBuffer();
  return { png, width, height, rows, msPerView: viewMs / Math.max(1, opts.types * opts.views) };
}
