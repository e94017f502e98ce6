import type { ChipProposal, InspectionRegion } from '../api.ts';
import { useT } from '../i18n/context.tsx';

/** What the daemon found from the marked chip, against the board type's chip count. */
export function ProposalLine({ proposal }: { proposal: ChipProposal }) {
  const t = useT();
  const { found, expected, mismatch, leftOut, leftOutBy } = proposal;
  const text =
    expected === null
      ? t.t('inspectionMap.foundNoCount', { found })
      : t.t(mismatch ? 'inspectionMap.foundMismatch' : 'inspectionMap.foundMatch', { found, expected });
  return (
    <p class={mismatch ? 'text-warning' : 'muted'} role="status" data-testid="chip-proposal">
      {text}
      {leftOut > 0 ? (
        <>
          {'. '}
          <span data-testid="chip-left-out">
            {t.t(leftOutBy === 'lattice' ? 'inspectionMap.leftOutLattice' : 'inspectionMap.leftOut', {
              n: leftOut,
            })}
          </span>
        </>
      ) : null}
    </p>
  );
}

/** The chips in the map as it is now (after additions and removals), against the board type's count. */
export function ChipCountLine({
  regions,
  expected,
}: {
  regions: InspectionRegion[];
  expected: number | null;
}) {
  const t = useT();
  const chips = regions.filter((r) => r.kind === 'chip').length;
  const others = regions.length - chips;
  const differs = expected !== null && expected !== chips;
  return (
    <p class={differs ? 'note-warn' : 'muted'} data-testid="chip-count">
      {expected === null
        ? t.t('inspectionMap.countNoExpected', { chips, others })
        : t.t(differs ? 'inspectionMap.countDiffers' : 'inspectionMap.countMatches', {
            chips,
            others,
            expected,
          })}
    </p>
  );
}
