import type {
  ChipCounts,
  InspectedRegion,
  InspectionRegion,
  RegionDefect,
  RegionVerdict,
} from '../protocol.ts';

/**
 * A region whose reference matches the aligned slot at least this well (normalised cross-correlation)
 * is present; below MISSING_BELOW it is missing (bare pads, an empty footprint); between, it differs
 * (burnt, lifted, a part of another look). Chosen on the synthetic defects of test/inspect.
 */
export const PRESENT_MIN = 0.57;
export const MISSING_BELOW = 0.2;

export function verdictOf(score: number): RegionVerdict {
  if (score >= PRESENT_MIN) return 'present';
  return score < MISSING_BELOW ? 'missing' : 'differs';
}

/** A mean normalised difference this large counts as unrelated (score 0). */
export const DIFF_SCALE = 1;

/** One number per region from its correlation and its photometric difference (1: alike). */
export function regionScore(s: { ncc: number; diff: number }): number {
  return Math.max(-1, Math.min(s.ncc, 1 - s.diff / DIFF_SCALE));
}

export function judgeRegions(
  regions: readonly InspectionRegion[],
  scores: ReadonlyMap<number, { ncc: number; diff: number }>,
): InspectedRegion[] {
  return regions.map((r) => {
    const s = scores.get(r.id);
    const score = Math.round((s ? regionScore(s) : 0) * 1000) / 1000;
    return { ...r, verdict: verdictOf(score), score };
  });
}

/** Chips found are the map's chips that are there (present or differing); missing ones are not. */
export function chipCounts(regions: readonly InspectedRegion[], expected: number | null): ChipCounts {
  const chips = regions.filter((r) => r.kind === 'chip');
  const missing = chips.filter((r) => r.verdict === 'missing').length;
  const differs = chips.filter((r) => r.verdict === 'differs').length;
  return { expected, found: chips.length - missing, missing, differs };
}

/** The defects in a line: "chip 37 missing, chip 52 differs" (empty when none). */
export function defectList(regions: readonly InspectedRegion[]): RegionDefect[] {
  const out: RegionDefect[] = [];
  for (const r of regions)
    if (r.verdict !== 'present') out.push({ id: r.id, label: r.label, verdict: r.verdict });
  return out;
}
