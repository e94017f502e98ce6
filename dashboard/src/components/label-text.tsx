import type { BoardInfo, OcrPayload } from '../../../src/protocol.ts';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';

/** What the board's label says (OCR): the serial, the lines read, and whether text and vision agree. */
export function LabelText({ ocr, reading }: { ocr: OcrPayload | undefined; reading: boolean }) {
  const t = useT();
  const name = (b: BoardInfo | null) => (b ? boardName(b) : t.t('ocr.unknownBoard'));
  if (reading && !ocr) {
    return (
      <p class="muted label-reading" data-testid="ocr-reading">
        {t.t('ocr.reading')}
      </p>
    );
  }
  if (!ocr) return null;
  return (
    <section class="label-text" aria-label={t.t('ocr.label')} data-testid="ocr" data-verdict={ocr.verdict}>
      {ocr.textOverride ? (
        <p class="text-warning" role="alert" data-testid="text-disagrees">
          {t.rich('ocr.disagrees', {
            text: name(ocr.textBoard),
            vision: name(ocr.visionBoard),
            b: (chunks) => <strong>{chunks}</strong>,
          })}
        </p>
      ) : null}
      {ocr.verdict === 'confirmed' ? <p class="text-confirmed">{t.t('ocr.confirmed')}</p> : null}
      {ocr.serial ? (
        <p class="serial">
          {t.t('ocr.serial')}{' '}
          <span class="serial-number" data-testid="serial">
            {ocr.serial}
          </span>
        </p>
      ) : null}
      {ocr.error ? <p class="muted">{t.t('ocr.notRead', { error: ocr.error })}</p> : null}
      {ocr.lines.length > 0 ? (
        <>
          <h3>{t.t('ocr.lines')}</h3>
          <ul class="ocr-lines">
            {ocr.lines.map((l, i) => (
              <li key={i} data-testid="ocr-line">
                <span>{l.text}</span>
                <span class="num muted">{t.percent(l.confidence)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : ocr.error ? null : (
        <p class="muted">{t.t('ocr.noText')}</p>
      )}
    </section>
  );
}
