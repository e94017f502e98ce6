import { useEffect, useState } from 'preact/hooks';
import type { UnitConflict, UnitRecord } from '../../../src/protocol.ts';
import { editUnit, getUnit } from '../api.ts';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';

function ConflictItem({
  c,
  admin,
  settle,
}: {
  c: UnitConflict;
  admin: boolean;
  settle: (id: number, answer: string) => void;
}) {
  const t = useT();
  const [a, b] =
    c.kind === 'serial'
      ? [
          { answer: 'typed', text: t.t('unit.typedSerial', { serial: c.typedSerial ?? '?' }) },
          { answer: 'ocr', text: t.t('unit.readSerial', { serial: c.ocrSerial ?? '?' }) },
        ]
      : [
          { answer: 'unit', text: c.unitBoard ? boardName(c.unitBoard) : t.t('unit.unitBoard') },
          { answer: 'seen', text: c.seenBoard ? boardName(c.seenBoard) : t.t('unit.seenBoard') },
        ];
  return (
    <li data-testid="unit-conflict" data-kind={c.kind}>
      {c.kind === 'serial'
        ? t.t('unit.serialConflict', { typed: c.typedSerial ?? '?', read: c.ocrSerial ?? '?' })
        : t.t('unit.boardConflict', {
            seen: c.seenBoard ? boardName(c.seenBoard) : '?',
            unit: c.unitBoard ? boardName(c.unitBoard) : '?',
          })}{' '}
      {t.t('unit.conflictWhen', { time: t.dateTime(c.at), recognition: c.recognitionId ?? 0 })}{' '}
      {c.resolution ? (
        <span>
          {t.t('unit.settled', {
            who: c.resolvedBy ?? '?',
            answer: c.resolution === a.answer ? a.text : b.text,
          })}
        </span>
      ) : admin ? (
        <span>
          {t.t('unit.whichIsRight')}{' '}
          <button type="button" class="secondary" onClick={() => settle(c.id, a.answer)}>
            {a.text}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => settle(c.id, b.answer)}>
            {b.text}
          </button>
        </span>
      ) : (
        <strong>{t.t('unit.waitingForAdmin')}</strong>
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
  const t = useT();
  const [unit, setUnit] = useState<UnitRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    getUnit(serial).then(
      (u) => {
        setUnit(u);
        setError(null);
      },
      (e) => setError(t.error(e)),
    );
  }, [serial, changes]);
  const edit = (patch: Parameters<typeof editUnit>[1]) =>
    editUnit(serial, patch).then(
      (u) => {
        setUnit(u);
        setError(null);
        if (patch.note) setNote('');
      },
      (e) => setError(t.error(e)),
    );
  if (!unit)
    return error ? (
      <p class="form-error" role="alert">
        {error}
      </p>
    ) : (
      <p class="muted">{t.t('common.loading')}</p>
    );
  const photos = unit.recognitions.filter((r) => r.thumbnailUrl);
  const statusName = (key: string) => unit.statuses.find((x) => x.status === key)?.label ?? key;
  return (
    <article class="unit-record" data-testid="unit-record" data-serial={unit.serial}>
      <h1>{t.t('unit.title', { serial: unit.serial })}</h1>
      <p>
        {t.t('unit.facts', {
          board: unit.board ? boardName(unit.board) : t.t('unit.boardUnknown'),
          visits: unit.visits,
          first: t.dateTime(unit.firstSeen),
          last: t.dateTime(unit.lastSeen),
        })}
      </p>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <section class="panel">
        <h2>{t.t('unit.status')}</h2>
        {admin ? (
          <label>
            {t.t('unit.status')}{' '}
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
              {t.t('unit.statusChange', {
                time: t.dateTime(s.at),
                from: s.from ? statusName(s.from) : t.t('common.none'),
                to: statusName(s.status),
                who: s.author,
              })}
            </li>
          ))}
        </ul>
      </section>
      {unit.conflicts.length > 0 ? (
        <section class="panel">
          <h2>{t.t('unit.conflicts')}</h2>
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
        <h2>{t.t('unit.notes')}</h2>
        <ul>
          {unit.notes.map((n, i) => (
            <li key={i} data-testid="unit-note">
              {t.t('unit.note', { time: t.dateTime(n.at), who: n.author, text: n.text })}
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
              {t.t('unit.addNote')}
              <textarea
                name="note"
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <button type="submit" class="secondary" disabled={note.trim() === ''}>
              {t.t('unit.addNoteButton')}
            </button>
          </form>
        ) : null}
      </section>
      <section class="panel">
        <h2>{t.t('unit.visits')}</h2>
        <ol>
          {unit.visitList.map((v) => (
            <li key={v.number} data-testid="unit-visit">
              {t.t('unit.visit', {
                from: t.dateTime(v.startedAt),
                to: t.dateTime(v.lastSeenAt),
                slot: v.slot ?? '',
              })}
            </li>
          ))}
        </ol>
      </section>
      <section class="panel">
        <h2>{t.t('unit.photos')}</h2>
        <div class="unit-photos">
          {photos.map((r) => (
            <img
              key={r.id}
              src={r.thumbnailUrl!}
              alt={t.t('unit.photoAlt', { serial: unit.serial, time: t.dateTime(r.at) })}
              loading="lazy"
            />
          ))}
        </div>
        <ul>
          {unit.recognitions.map((r) => (
            <li key={`${r.id}-${r.source}`}>
              {t.t('unit.recognition', {
                id: r.id,
                time: t.dateTime(r.at),
                where: `${r.camera}/${r.slot}`,
                source: r.source,
                visit: r.visit ?? 0,
              })}
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
