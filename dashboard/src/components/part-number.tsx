import type { BoardInfo, OcrPayload, SlotView } from '../../../src/protocol.ts';
import { type BoardPrefill, prefillFromPart } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';

/**
 * The hashboard part number read off the board (OCR) and what its family says: shown even for a
 * board nobody enrolled, with "Enroll as…" there; a chip type the part number contradicts is said.
 */
export function PartNumberLine({
  view,
  ocr,
  onEnrollAs,
}: {
  view: SlotView;
  ocr: OcrPayload | undefined;
  onEnrollAs: (prefill: BoardPrefill) => void;
}) {
  const t = useT();
  const p = ocr?.partNumber;
  if (!ocr || !p) return null;
  const models = p.models.join(', ');
  const text = !p.family
    ? t.t('part.noFamily', { code: p.code })
    : p.asicChip && p.chipsPerBoard !== null
      ? t.t('part.factsCount', { code: p.code, models, chip: p.asicChip, count: p.chipsPerBoard })
      : p.asicChip
        ? t.t('part.factsChip', { code: p.code, models, chip: p.asicChip })
        : t.t('part.facts', { code: p.code, models });
  const board: BoardInfo | null = ocr.board;
  const prefill = p.family ? prefillFromPart(p) : null;
  return (
    <section class="part-number" aria-label={t.t('part.label')} data-testid="part-number">
      <p class="part-facts">{text}</p>
      {ocr.partNumberConflict && board ? (
        <p class="text-warning" role="alert" data-testid="part-conflict">
          {t.t('part.conflict', { code: p.code, chip: p.asicChip ?? '', boardChip: board.chipType ?? '' })}
        </p>
      ) : null}
      {prefill && view.state === 'unknown' ? (
        <button
          type="button"
          class="primary enroll-as"
          data-testid="enroll-as"
          onClick={() => onEnrollAs(prefill)}
        >
          {prefill.model
            ? t.t('part.enrollAs', { model: prefill.model })
            : t.t('part.enrollAsFamily', { code: p.code })}
        </button>
      ) : null}
    </section>
  );
}
