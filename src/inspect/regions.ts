import type { InspectionRegion, RegionBox } from '../protocol.ts';

/** A box found on the reference, in its pixels, with how well it matched the marked chip. */
export interface FoundBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/** The least drop in score, after the board's chip count, that counts as a clear gap. */
export const MIN_COUNT_GAP = 0.03;

/**
 * The board's chip count as a prior for a detection (boxes best first, as detectChips returns
 * them): when more boxes than `expected` matched the marked chip, and the score drops after the
 * `expected`-th box by at least MIN_COUNT_GAP and by more than between any two of the chips before
 * it (the marked chip's own perfect match aside), the boxes after that drop are left out: weaker
 * look-alikes (a pad strip, a regulator beside the chips, a heatsink row's end). Without a count, or
 * without such a gap, every box is kept and the mismatch is shown as before. Measured on 60
 * synthetic held-out hashboards (tools/eval inspection types): 10 proposals with extra boxes
 * cut to the right count, 1 left as it was (its extras scored as well as its chips).
 */
export function keepChipCount<T extends { score: number }>(
  found: readonly T[],
  expected: number | null,
): { kept: T[]; leftOut: number } {
  if (expected === null || expected < 2 || found.length <= expected) return { kept: [...found], leftOut: 0 };
  const gap = found[expected - 1]!.score - found[expected]!.score;
  let inner = 0;
  for (let k = 1; k + 1 < expected; k++) inner = Math.max(inner, found[k]!.score - found[k + 1]!.score);
  if (gap < MIN_COUNT_GAP || gap <= inner) return { kept: [...found], leftOut: 0 };
  return { kept: found.slice(0, expected), leftOut: found.length - expected };
}

/**
 * The chips of a hashboard sit on a lattice: rows and columns of equal pitch on a reference
 * photographed straight. When a detection found more boxes than the board's chip count and the score
 * gave no clear gap (keepChipCount), the boxes off that lattice (a dark part between two chips, a
 * look-alike at the board's edge) are left out, provided exactly `expected` boxes remain; otherwise
 * every box is kept and the mismatch is shown as before. A line (row or column) is a set of box
 * centres within a quarter box of the line's first; lines holding at least half as many boxes as the
 * fullest line of their direction are the lattice's.
 */
export function keepOnLattice<T extends FoundBox>(
  found: readonly T[],
  expected: number | null,
): { kept: T[]; leftOut: number } {
  const all = { kept: [...found], leftOut: 0 };
  if (expected === null || expected < 4 || found.length <= expected) return all;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const side = Math.min(median(found.map((b) => b.width)), median(found.map((b) => b.height)));
  const onLines = (centre: (b: T) => number): Set<T> => {
    const sorted = [...found].sort((a, b) => centre(a) - centre(b));
    const lines: T[][] = [];
    for (const b of sorted) {
      const line = lines[lines.length - 1];
      if (line && centre(b) - centre(line[0]!) < side / 4) line.push(b);
      else lines.push([b]);
    }
    const fullest = Math.max(...lines.map((l) => l.length));
    return new Set(lines.filter((l) => l.length >= Math.max(2, fullest / 2)).flat());
  };
  const inRow = onLines((b) => b.y + b.height / 2);
  const inColumn = onLines((b) => b.x + b.width / 2);
  const kept = found.filter((b) => inRow.has(b) && inColumn.has(b));
  return kept.length === expected ? { kept, leftOut: found.length - kept.length } : all;
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
