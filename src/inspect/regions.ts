import type { InspectionRegion, RegionBox } from '../protocol.ts';

/** A box found on the reference, in its pixels, with how well it matched the marked chip. */
export interface FoundBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/**
 * Numbers boxes in reading order along the board's long side: lines run along the long side (rows
 * of a landscape board, columns of a portrait one), taken from the top (left) one, each read along
 * its length. Two boxes are on one line when their centres are closer than half a box across it.
 */
export function readingOrder<T extends { x: number; y: number; width: number; height: number }>(
  boxes: readonly T[],
  landscape: boolean,
): T[] {
  const across = (b: T) => (landscape ? b.y + b.height / 2 : b.x + b.width / 2);
  const along = (b: T) => (landscape ? b.x + b.width / 2 : b.y + b.height / 2);
  const size = (b: T) => (landscape ? b.height : b.width);
  const sorted = [...boxes].sort((a, b) => across(a) - across(b));
  const lines: T[][] = [];
  for (const b of sorted) {
    const line = lines[lines.length - 1];
    const first = line?.[0];
    if (line && first && across(b) - across(first) < size(first) / 2) line.push(b);
    else lines.push([b]);
  }
  return lines.flatMap((line) => line.sort((a, b) => along(a) - along(b)));
}

/** Found boxes (reference pixels) as numbered chip regions (fractions of the reference). */
export function chipRegions(found: readonly FoundBox[], width: number, height: number): InspectionRegion[] {
  return readingOrder(found, width >= height).map((b, i) => ({
    id: i + 1,
    kind: 'chip',
    label: `chip ${i + 1}`,
    box: toFractions(b, width, height),
  }));
}

const round5 = (v: number) => Math.round(v * 100_000) / 100_000;

export function toFractions(b: Omit<RegionBox, never>, width: number, height: number): RegionBox {
  const x = Math.max(0, b.x / width);
  const y = Math.max(0, b.y / height);
  return {
    x: round5(x),
    y: round5(y),
    width: round5(Math.min(1 - x, b.width / width)),
    height: round5(Math.min(1 - y, b.height / height)),
  };
}

/** A box in fractions as whole pixels of a picture of this size, at least one pixel, inside it. */
export function toPixels(b: RegionBox, width: number, height: number) {
  const x = Math.min(width - 1, Math.max(0, Math.round(b.x * width)));
  const y = Math.min(height - 1, Math.max(0, Math.round(b.y * height)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width - x, Math.round(b.width * width))),
    height: Math.max(1, Math.min(height - y, Math.round(b.height * height))),
  };
}
