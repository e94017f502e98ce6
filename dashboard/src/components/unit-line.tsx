import { useState } from 'preact/hooks';
import type { SlotUnit, SlotView } from '../../../src/protocol.ts';
import { typeSerial } from '../api.ts';
import { isoDay } from '../format.ts';
import { useT } from '../i18n/context.tsx';

/** The board's unit on the live card: "Returning board: 3rd visit, last on 2026-10-02 (status done)". */
export function UnitLine({ unit }: { unit: SlotUnit | undefined }) {
  const t = useT();
  if (!unit) return null;
  const u = unit.unit;
  const href = `#/units?serial=${encodeURIComponent(u.serial)}`;
  return (
    <section class="unit-line" aria-label={t.t('unit.label')} data-testid="unit-line" data-visit={unit.visit}>
      {unit.previous ? (
        <p class="returning" data-testid="returning">
          {t.rich('unit.returning', {
            visit: unit.visit,
            day: isoDay(unit.previous.lastSeen),
            status: unit.previous.statusLabel,
            hasNote: u.lastNote ? 'yes' : 'no',
            note: u.lastNote?.text ?? '',
            b: (chunks) => <strong>{chunks}</strong>,
          })}
        </p>
      ) : (
        <p class="first-visit">{t.t('unit.firstVisit')}</p>
      )}
      <p>
        {t.rich('unit.summary', {
          serial: u.serial,
          status: u.statusLabel,
          // the serial is data read off the board (or typed), whatever the page's language
          a: (chunks) => (
            <a href={href} data-testid="unit-serial">
              {chunks}
            </a>
          ),
        })}
      </p>
      {u.flagged ? (
        <p class="text-warning" role="alert" data-testid="unit-flagged">
          {t.rich('unit.flagged', { a: (chunks) => <a href={href}>{chunks}</a> })}
        </p>
      ) : null}
    </section>
  );
}

/** Type or scan (a USB barcode scanner types and presses Enter) the serial of the board in a slot. */
export function SerialEntry({ view, recognitionId }: { view: SlotView; recognitionId: number | undefined }) {
  const t = useT();
  const [serial, setSerial] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    typeSerial(serial, view.board?.id ?? null, recognitionId).then(
      () => {
        setSerial('');
        setError(null);
        setBusy(false);
      },
      (err) => {
        setError(t.error(err));
        setBusy(false);
      },
    );
  };
  return (
    <form class="serial-entry" onSubmit={submit}>
      <label>
        {t.t('unit.serialEntry')}
        <input
          name="serial"
          value={serial}
          autoComplete="off"
          onInput={(e) => setSerial((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="secondary" disabled={busy || serial.trim() === ''}>
        {t.t('unit.saveSerial')}
      </button>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
