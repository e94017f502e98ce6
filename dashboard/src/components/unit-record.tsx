import { useEffect, useState } from 'preact/hooks';
import type { UnitConflict, UnitRecord } from '../../../src/protocol.ts';
import { editUnit, errorText, getUnit } from '../api.ts';
import { boardName, dateTime } from '../format.ts';

function ConflictItem({
  c,
  admin,
  settle,
}: {
  c: UnitConflict;
  admin: boolean;
  settle: (id: number, answer: string) => void;
}) {
  const [a, b] =
    c.kind === 'serial'
      ? [
          { answer: 'typed', text: `typed ${c.typedSerial ?? '?'}` },
          { answer: 'ocr', text: `read ${c.ocrSerial ?? '?'}` },
        ]
      : [
          { answer: 'unit', text: c.unitBoard ? boardName(c.unitBoard) : 'the unit’s board' },
          { answer: 'seen', text: c.seenBoard ? boardName(c.seenBoard) : 'the board seen' },
        ];
  return (
    <li data-testid="unit-conflict" data-kind={c.kind}>
      {c.kind === 'serial'
        ? `Serial typed (${c.typedSerial}) differs from the serial read (${c.ocrSerial})`
        : `Seen as ${c.seenBoard ? boardName(c.seenBoard) : '?'}, recorded as ${c.unitBoard ? boardName(c.unitBoard) : '?'}`}{' '}
      ({dateTime(c.at)}
      {c.recognitionId !== null ? `, recognition #${c.recognitionId}` : ''}).{' '}
      {c.resolution ? (
        <span>
          Settled by {c.resolvedBy}: {c.resolution === a.answer ? a.text : b.text}.
        </span>
      ) : admin ? (
        <span>
          Which is right?{' '}
          <button type="button" class="secondary" onClick={() => settle(c.id, a.answer)}>
            {a.text}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => settle(c.id, b.answer)}>
            {b.text}
          </button>
        </span>
      ) : (
        <strong>Waiting for an admin to settle it.</strong>
      )}
    </li>
  );
}

/** A unit's record: visits, status changes, notes, photos and recognitions; status and notes editable by admins. */
export function UnitRecordView({
  serial,
  admin,
  changes,
}: {
  serial: string;
  admin: boolean;
  changes: number;
}) {
  const [unit, setUnit] = useState<UnitRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    getUnit(serial).then(
      (u) => {
        setUnit(u);
        setError(null);
      },
      (e) => setError(errorText(e)),
    );
  }, [serial, changes]);
  const edit = (patch: Parameters<typeof editUnit>[1]) =>
    editUnit(serial, patch).then(
      (u) => {
        setUnit(u);
        setError(null);
        if (patch.note) setNote('');
      },
      (e) => setError(errorText(e)),
    );
  if (!unit)
    return error ? (
      <p class="form-error" role="alert">
        {error}
      </p>
    ) : (
      <p class="muted">Loading…</p>
    );
  const photos = unit.recognitions.filter((r) => r.thumbnailUrl);
  return (
    <article class="unit-record" data-testid="unit-record" data-serial={unit.serial}>
      <h1>Unit {unit.serial}</h1>
      <p>
        {unit.board ? boardName(unit.board) : 'Board type unknown'} · {unit.visits} visit
        {unit.visits === 1 ? '' : 's'} · first seen {dateTime(unit.firstSeen)} · last seen{' '}
        {dateTime(unit.lastSeen)}
      </p>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <section class="panel">
        <h2>Status</h2>
        {admin ? (
          <label>
            Status{' '}
            <select
              name="unit-status"
              value={unit.status}
              onChange={(e) => edit({ status: (e.target as HTMLSelectElement).value })}
            >
              {unit.statuses.map((s) => (
                <option key={s.status} value={s.status}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p data-testid="unit-status">{unit.statusLabel}</p>
        )}
        <ul>
          {unit.statusChanges.map((s, i) => (
            <li key={i}>
              {dateTime(s.at)}: {s.from ?? '–'} → {s.status} by {s.author}
            </li>
          ))}
        </ul>
      </section>
      {unit.conflicts.length > 0 ? (
        <section class="panel">
          <h2>Conflicts</h2>
          <ul>
            {unit.conflicts.map((c) => (
              <ConflictItem
                key={c.id}
                c={c}
                admin={admin}
                settle={(id, answer) => edit({ resolve: { conflictId: id, answer } })}
              />
            ))}
          </ul>
        </section>
      ) : null}
      <section class="panel">
        <h2>Notes</h2>
        <ul>
          {unit.notes.map((n, i) => (
            <li key={i} data-testid="unit-note">
              {dateTime(n.at)}, {n.author}: {n.text}
            </li>
          ))}
        </ul>
        {admin ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (note.trim()) void edit({ note });
            }}
          >
            <label>
              Add a note
              <textarea
                name="note"
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <button type="submit" class="secondary" disabled={note.trim() === ''}>
              Add note
            </button>
          </form>
        ) : null}
      </section>
      <section class="panel">
        <h2>Visits</h2>
        <ol>
          {unit.visitList.map((v) => (
            <li key={v.number} data-testid="unit-visit">
              {dateTime(v.startedAt)} – {dateTime(v.lastSeenAt)}
              {v.slot ? ` · slot ${v.slot}` : ''}
            </li>
          ))}
        </ol>
      </section>
      <section class="panel">
        <h2>Photos and recognitions</h2>
        <div class="unit-photos">
          {photos.map((r) => (
            <img
              key={r.id}
              src={r.thumbnailUrl!}
              alt={`${unit.serial} on ${dateTime(r.at)}`}
              loading="lazy"
            />
          ))}
        </div>
        <ul>
          {unit.recognitions.map((r) => (
            <li key={`${r.id}-${r.source}`}>
              #{r.id} {dateTime(r.at)} · {r.camera}/{r.slot} · serial {r.source === 'ocr' ? 'read' : 'typed'}
              {r.visit !== null ? ` · visit ${r.visit}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
