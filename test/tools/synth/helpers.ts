import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Box } from '../../../tools/synth/scene.ts';

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `benchsight-synth-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

export async function grey(image: Buffer): Promise<Grey> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function channelMeans(image: Buffer): Promise<[number, number, number]> {
  const stats = await sharp(image).stats();
  const [r, g, b] = stats.channels;
  return [r!.mean, g!.mean, b!.mean];
}

export function mean(g: Grey): number {
  let s = 0;
  for (const v of g.data) s += v;
  return s / g.data.length;
}

/** Pearson correlation of two same-size images: 1 when one is a brightness/contrast change of the other. */
export function correlation(a: Grey, b: Grey): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.data.length; i++) {
    const da = a.data[i]! - ma;
    const db = b.data[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Mean absolute difference between horizontal neighbours: high-frequency energy. */
export function edgeEnergy(g: Grey): number {
  let s = 0;
  for (let y = 0; y < g.height; y++) {
    for (let x = 1; x < g.width; x++) s += Math.abs(g.data[y * g.width + x]! - g.data[y * g.width + x - 1]!);
  }
  return s / (g.height * (g.width - 1));
}

/** Mean absolute difference over the pixels for which `keep(x, y)` holds. */
export function meanAbsDiff(a: Grey, b: Grey, keep: (x: number, y: number) => boolean = () => true): number {
  let s = 0;
  let count = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!keep(x, y)) continue;
      s += Math.abs(a.data[y * a.width + x]! - b.data[y * a.width + x]!);
      count++;
    }
  }
  return count === 0 ? 0 : s / count;
}

export function inside(box: Box, x: number, y: number, margin = 0): boolean {
  return (
    x >= box.x - margin &&
    x < box.x + box.width + margin &&
    y >= box.y - margin &&
    y < box.y + box.height + margin
  );
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Correlation of the horizontal gradients: high when `b` is `a` under a smooth change of light. */
export function edgeCorrelation(a: Grey, b: Grey): number {
  const dx = (g: Grey): Grey => {
    const data = new Uint8Array(g.data.length);
    for (let i = 1; i < g.data.length; i++) data[i] = 128 + (g.data[i]! - g.data[i - 1]!) / 2;
    return { data, width: g.width, height: g.height };
  };
  return correlation(dx(a), dx(b));
}
