import { useState } from 'preact/hooks';
import type { InspectedPayload } from '../../../src/protocol.ts';
import { useT } from '../i18n/context.tsx';

/** Defects named on the card before "+N more". */
const NAMED = 4;

/**
 * The inspection of the slot's board: "126 / 126 chips", or the chips and parts that are missing
 * or differ, and how many parts lay hidden under a hand or a tool (not judged); a toggle lays the
 * heatmap of the differences over the slot's picture, another lays the chip numbers (coloured by
 * verdict) and the differences over the live picture.
 */
export function InspectionLine({
  inspection,
  recognitionId,
  onPicture = false,
  onTogglePicture,
}: {
  inspection: InspectedPayload | undefined;
  recognitionId: number | undefined;
  /** The chip numbers and differences are laid over the live picture (FrameView draws them). */
  onPicture?: boolean;
  onTogglePicture?: ((on: boolean) => void) | undefined;
}) {
  const t = useT();
  const [shown, setShown] = useState(false);
  if (!inspection?.verified) return null;
  const { chips } = inspection.counts;
  const defects = inspection.regions.filter((r) => r.verdict === 'missing' || r.verdict === 'differs');
  const hidden = inspection.regions.filter((r) => r.verdict === 'hidden').length;
  return (
    <section class="inspection" data-testid="inspection" aria-label={t.t('inspect.title')}>
      <p class={defects.length > 0 ? 'inspection-defects' : 'inspection-ok'} data-testid="inspection-summary">
        {defects.length === 0
          ? chips.expected !== null
            ? t.t('inspect.chips', { found: chips.found, expected: chips.expected })
            : t.t('inspect.chipsFound', { found: chips.found })
          : [
              ...defects
                .slice(0, NAMED)
                .map((d) => t.t(`inspect.${d.verdict as 'missing' | 'differs'}`, { label: d.label })),
              ...(defects.length > NAMED ? [t.t('inspect.more', { count: defects.length - NAMED })] : []),
            ].join(', ')}
      </p>
      {hidden > 0 ? (
        <p class="muted" data-testid="inspection-hidden">
          {t.t('inspect.hidden', { count: hidden })}
        </p>
      ) : null}
      {inspection.heatmapUrl ? (
        <button type="button" class="secondary" aria-pressed={shown} onClick={() => setShown(!shown)}>
          {t.t(shown ? 'inspect.hideHeatmap' : 'inspect.showHeatmap')}
        </button>
      ) : null}
      {onTogglePicture && inspection.outline ? (
        <button
          type="button"
          class="secondary"
          aria-pressed={onPicture}
          data-testid="inspection-on-picture"
          onClick={() => onTogglePicture(!onPicture)}
        >
          {t.t(onPicture ? 'inspect.hideOnPicture' : 'inspect.showOnPicture')}
        </button>
      ) : null}
      {shown && inspection.heatmapUrl ? (
        <div class="heatmap-view" data-testid="heatmap">
          {recognitionId !== undefined ? (
            <img src={`/api/recognitions/${recognitionId}/thumbnail.jpg`} alt="" />
          ) : null}
          <img class="heatmap-overlay" src={inspection.heatmapUrl} alt={t.t('inspect.heatmapAlt')} />
        </div>
      ) : null}
    </section>
  );
}
