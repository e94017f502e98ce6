import type { BoardInfo, OcrPayload } from '../../../src/protocol.ts';
import { boardName, percent } from '../format.ts';

const name = (b: BoardInfo | null) => (b ? boardName(b) : 'unknown');

/** What the board's label says (OCR): the serial, the lines read, and whether text and vision agree. */
export function LabelText({ ocr, reading }: { ocr: OcrPayload | undefined; reading: boolean }) {
  if (reading && !ocr) {
    return (
      <p class="muted label-reading" data-testid="ocr-reading">
        Reading the label…
      </p>
    );
  }
  if (!ocr) return null;
  return (
    <section class="label-text" aria-label="Text on the board" data-testid="ocr" data-verdict={ocr.verdict}>
      {ocr.textOverride ? (
        <p class="text-warning" role="alert" data-testid="text-disagrees">
          Text says <strong>{name(ocr.textBoard)}</strong>, vision says{' '}
          <strong>{name(ocr.visionBoard)}</strong>: going by the label.
        </p>
      ) : null}
      {ocr.verdict === 'confirmed' ? <p class="text-confirmed">The label confirms it.</p> : null}
      {ocr.serial ? (
        <p class="serial">
          Serial{' '}
          <span class="serial-number" data-testid="serial">
            {ocr.serial}
          </span>
        </p>
      ) : null}
      {ocr.error ? <p class="muted">Label not read: {ocr.error}</p> : null}
      {ocr.lines.length > 0 ? (
        <>
          <h3>Label text</h3>
          <ul class="ocr-lines">
            {ocr.lines.map((l, i) => (
              <li key={i} data-testid="ocr-line">
                <span>{l.text}</span>
                <span class="num muted">{percent(l.confidence)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : ocr.error ? null : (
        <p class="muted">No text found on the board.</p>
      )}
    </section>
  );
}
