import { useState } from 'preact/hooks';
import type { SlotUnit, SlotView } from '../../../src/protocol.ts';
import { errorText, typeSerial } from '../api.ts';
import { day, ordinal } from '../format.ts';

/** The board's unit on the live card: "Returning board: 3rd visit, last on 2026-10-02 (status done)". */
export function UnitLine({ unit }: { unit: SlotUnit | undefined }) {
  if (!unit) return null;
  const u = unit.unit;
  const href = `#/units?serial=${encodeURIComponent(u.serial)}`;
  return (
    <section class="unit-line" aria-label="Unit" data-testid="unit-line" data-visit={unit.visit}>
      {unit.previous ? (
        <p class="returning" data-testid="returning">
          <strong>Returning board:</strong> {ordinal(unit.visit)} visit, last on {day(unit.previous.lastSeen)}{' '}
          (status {unit.previous.statusLabel}){u.lastNote ? `, last note: ${u.lastNote.text}` : ''}
        </p>
      ) : (
        <p class="first-visit">First visit of this unit.</p>
      )}
      <p>
        Unit <a href={href}>{u.serial}</a> · status {u.statusLabel}
      </p>
      {u.flagged ? (
        <p class="text-warning" role="alert" data-testid="unit-flagged">
          Conflicting serial or board type: <a href={href}>open the unit</a> and say which is right.
        </p>
      ) : null}
    </section>
  );
}

/** Type or scan (a USB barcode scanner types and presses Enter) the serial of the board in a slot. */
export function SerialEntry({ view, recognitionId }: { view: SlotView; recognitionId: number | undefined }) {
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
        setError(errorText(err));
        setBusy(false);
      },
    );
  };
  return (
    <form class="serial-entry" onSubmit={submit}>
      <label>
        Serial (type or scan)
        <input
          name="serial"
          value={serial}
          autoComplete="off"
          onInput={(e) => setSerial((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="secondary" disabled={busy || serial.trim() === ''}>
        Save serial
      </button>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
