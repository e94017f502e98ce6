import { randomUUID } from 'node:crypto';
import sharp from 'sharp';

/** Heat below this (of 255) is transparent: the board's noise, not a difference. */
const FLOOR = 48;

/**
 * The difference as a PNG overlay: transparent where the slot matches its reference, yellow to red
 * (more opaque) where it differs, the size and aspect of the picture inspected.
 */
export async function heatmapPng(heat: { data: Uint8Array; width: number; height: number }): Promise<Buffer> {
  const rgba = Buffer.alloc(heat.width * heat.height * 4);
  for (let i = 0; i < heat.data.length; i++) {
    const v = heat.data[i]!;
    if (v < FLOOR) continue;
    const t = (v - FLOOR) / (255 - FLOOR);
    rgba[4 * i] = 255;
    rgba[4 * i + 1] = Math.round(220 * (1 - t));
    rgba[4 * i + 2] = 0;
    rgba[4 * i + 3] = Math.round(90 + 150 * t);
  }
  return sharp(rgba, { raw: { width: heat.width, height: heat.height, channels: 4 } })
    .png()
    .toBuffer();
}

/** Where the API serves a kept heatmap. */
export function heatmapPath(id: string): string {
  return `/api/inspections/${id}/heatmap.png`;
}

/** The latest heatmaps, kept in memory for their URLs (the live card and the API's answers). */
export class HeatmapStore {
  readonly #maps = new Map<string, Buffer>();
  readonly #max: number;

  constructor(max = 64) {
    this.#max = max;
  }

  put(png: Buffer): string {
    const id = randomUUID();
    this.#maps.set(id, png);
    for (const old of this.#maps.keys()) {
      if (this.#maps.size <= this.#max) break;
      this.#maps.delete(old);
    }
    return id;
  }

  get(id: string): Buffer | undefined {
    return this.#maps.get(id);
  }
}
